import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import network from './index';
import { networkSettings } from './settings';

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
        'shared_vpc_host_project',
        'subnet_secondary_ranges',
        'subnet_self_links',
        'vpc_id',
        'vpc_self_link',
      ]);
      expect(stack.output.subnet_secondary_ranges!.value).toEqual({ 'gke/pods': 'pods', 'gke/services': 'services' });
    });

    it('makes the environment project a Shared VPC host and publishes it by reference', () => {
      expect(stack.count('google_compute_shared_vpc_host_project')).toBe(1);
      expect(stack.json).toHaveResourceWithProperties('google_compute_shared_vpc_host_project', { project: `acme-platform-${env}` });
      expect(stack.output.shared_vpc_host_project!.value).toMatch(/^\$\{google_compute_shared_vpc_host_project\.shared-vpc_default_\w+\.project\}$/);
    });

    it('grants service projects compute.networkUser on subnets only, never on the host project', () => {
      for (const grant of Object.values(stack.resourcesOf('google_compute_subnetwork_iam_member'))) {
        expect(grant.role).toBe('roles/compute.networkUser');
        expect(grant.subnetwork).toMatch(/^\$\{google_compute_subnetwork\.vpc_\w+\.name\}$/);
      }
      expect(stack.count('google_project_iam_member')).toBe(0);
    });

    it('reads only the enabled APIs of the project baseline, and checks compute and service networking are on before it plans', () => {
      expect(Object.keys(stack.data.terraform_remote_state ?? {})).toEqual(['upstream-project-baseline']);
      const [network] = Object.values(stack.resourcesOf('google_compute_network'));
      const [precondition] = (network!.lifecycle as { precondition: { condition: string; error_message: string }[] }).precondition;
      expect(precondition!.condition).toContain('contains(data.terraform_remote_state.upstream-project-baseline.outputs.enabled_services, "compute.googleapis.com")');
      expect(precondition!.condition).toContain('servicenetworking.googleapis.com');
      expect(precondition!.error_message).toMatch(/stacks\/project-baseline\/src\/index\.ts/);
    });
  });

  it('attaches the apps service project of each cloud environment and none in the drill', () => {
    for (const env of ['dev', 'staging', 'prod']) {
      const stack = synthesized.get(env)!;
      expect(stack.json).toHaveResourceWithProperties('google_compute_shared_vpc_service_project', { service_project: `acme-apps-${env}` });
      expect(stack.count('google_compute_subnetwork_iam_member')).toBe(2);
    }
    expect(synthesized.get('drill')!.count('google_compute_shared_vpc_service_project')).toBe(0);
  });
});

describe('network settings', () => {
  const base = {
    subnets: { apps: { cidr: '10.10.16.0/24' } },
    privateServiceAccess: { address: '10.10.128.0' },
  };
  it('default to a host with no service projects', () => {
    expect(networkSettings.parse(base).sharedVpc).toEqual({ serviceProjects: {} });
  });

  it.each<[string, unknown, RegExp]>([
    ['a service project id that is not one', { apps: { projectId: 'Acme' } }, /must be a GCP project id/],
    ['a subnet user that is not an IAM member', { apps: { projectId: 'acme-apps-dev', subnetUsers: { apps: ['robot@example.com'] } } }, /must be an IAM member/],
    ['a grant on a subnet not in the plan', { apps: { projectId: 'acme-apps-dev', subnetUsers: { gke: ['group:a@acme.example'] } } }, /names subnet 'gke', which is not in subnets \(apps\)/],
  ])('refuse %s', (_case, serviceProjects, message) => {
    const result = networkSettings.safeParse({ ...base, sharedVpc: { serviceProjects } });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(message);
  });
});
