import { findWorkspaceRoot } from '@platform/config';
import { synthesizeInEveryEnvironment } from '@platform/core';
import { parseEach } from '@platform/testing';
import { describe, expect, it } from 'vitest';
import gkeCluster from './index';

const synthesized = parseEach(synthesizeInEveryEnvironment(gkeCluster, findWorkspaceRoot(import.meta.dirname)));
const environments = [...synthesized];
const stackIn = (name: string) => synthesized.get(name)!;

describe('gke-cluster stack', () => {
  it('synthesizes in every environment with the guardrails holding', () => {
    expect(environments.map(([name]) => name)).toEqual(['dev', 'drill', 'prod', 'staging']);
  });

  describe.each(environments)('in %s', (_env, stack) => {
    it('publishes the cluster and its node pools for the workloads deployed onto it', () => {
      expect(Object.keys(stack.output).sort()).toEqual(['cluster_id', 'cluster_name', 'location', 'node_pools', 'workload_pool']);
      expect(stack.output.workload_pool!.value).toMatch(/^acme-platform-\w+\.svc\.id\.goog$/);
    });

    it('creates a private cluster with private nodes and a private endpoint', () => {
      expect(stack.single('google_container_cluster')).toMatchObject({
        private_cluster_config: { enable_private_nodes: true, enable_private_endpoint: true },
        master_authorized_networks_config: { gcp_public_cidrs_access_enabled: false },
        remove_default_node_pool: true,
      });
    });

    it('encrypts Kubernetes secrets and boot disks with the gke key of the security stack', () => {
      const cluster = stack.single('google_container_cluster');
      expect(cluster.database_encryption).toEqual({
        state: 'ENCRYPTED',
        key_name: '${data.terraform_remote_state.upstream-security.outputs.kms_key_ids.gke}',
      });
      for (const pool of Object.values(stack.resourcesOf('google_container_node_pool'))) {
        expect((pool.node_config as Record<string, unknown>).boot_disk_kms_key).toBe(cluster.database_encryption && (cluster.database_encryption as { key_name: string }).key_name);
      }
    });

    it('reads the network and security outputs through remote state, and nothing else', () => {
      expect(Object.keys(stack.data.terraform_remote_state!).sort()).toEqual(['upstream-network', 'upstream-security']);
      expect(stack.single('google_container_cluster').network).toBe('${data.terraform_remote_state.upstream-network.outputs.vpc_self_link}');
    });

    it('runs node pools as the gke-nodes service account with workload identity metadata', () => {
      for (const pool of Object.values(stack.resourcesOf('google_container_node_pool'))) {
        expect(pool.node_config).toMatchObject({
          service_account: '${data.terraform_remote_state.upstream-security.outputs.service_account_emails["gke-nodes"]}',
          workload_metadata_config: { mode: 'GKE_METADATA' },
          shielded_instance_config: { enable_secure_boot: true },
        });
      }
    });
  });

  it('protects the prod and staging clusters from deletion, not dev', () => {
    expect(stackIn('prod').single('google_container_cluster').deletion_protection).toBe(true);
    expect(stackIn('staging').single('google_container_cluster').deletion_protection).toBe(true);
    expect(stackIn('dev').single('google_container_cluster').deletion_protection).toBe(false);
  });

  it('creates the node pools each environment configures', () => {
    expect(stackIn('prod').count('google_container_node_pool')).toBe(2);
    expect(stackIn('dev').count('google_container_node_pool')).toBe(1);
  });
});
