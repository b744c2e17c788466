import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import network from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(network, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];

describe('network stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (env, stack) => {
    it('creates one custom-mode VPC with the gke and apps subnets', () => {
      expect(stack.json).toHaveResourceWithProperties('google_compute_network', {
        name: `${env}-shared`,
        auto_create_subnetworks: false,
      });
      expect(stack.count('google_compute_network')).toBe(1);
      expect(Object.values(stack.resourcesOf('google_compute_subnetwork')).map((s) => s.name).sort()).toEqual([
        `${env}-shared-apps`,
        `${env}-shared-gke`,
      ]);
    });

    it('gives the gke subnet pods and services secondary ranges', () => {
      const gke = Object.values(stack.resourcesOf('google_compute_subnetwork')).find((s) => s.name === `${env}-shared-gke`)!;
      expect((gke.secondary_ip_range as { range_name: string }[]).map((r) => r.range_name).sort()).toEqual(['pods', 'services']);
    });

    it('denies all ingress by default and opens admin ports only to the IAP range', () => {
      const rules = Object.values(stack.resourcesOf('google_compute_firewall'));
      const adminRules = rules.filter((rule) => JSON.stringify(rule.allow ?? []).includes('"22"'));
      expect(adminRules.length).toBeGreaterThan(0);
      for (const rule of adminRules) expect(rule.source_ranges).toEqual(['35.235.240.0/20']);
      expect(rules.some((rule) => rule.deny !== undefined && (rule.source_ranges as string[]).includes('0.0.0.0/0'))).toBe(true);
    });

    it('routes private egress through Cloud NAT and reserves a private service access range', () => {
      expect(stack.count('google_compute_router_nat')).toBe(1);
      expect(stack.json).toHaveResourceWithProperties('google_compute_global_address', { purpose: 'VPC_PEERING' });
      expect(stack.count('google_service_networking_connection')).toBe(1);
    });

    it('publishes exactly the outputs of its contract', () => {
      expect(Object.keys(stack.output).sort()).toEqual([
        'private_service_access_range',
        'subnet_secondary_ranges',
        'subnet_self_links',
        'vpc_id',
        'vpc_self_link',
      ]);
      expect(stack.output.subnet_secondary_ranges!.value).toEqual({ 'gke/pods': 'pods', 'gke/services': 'services' });
    });

    it('reads nothing from other stacks', () => {
      expect(stack.data).toEqual({});
    });
  });
});
