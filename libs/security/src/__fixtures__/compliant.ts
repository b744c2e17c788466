/**
 * Resources that pass every guardrail in a production stack whose provider carries the required
 * labels; tests seed one violation at a time through the overrides.
 */
import { AlloydbCluster, type AlloydbClusterConfig } from '@cdktf/provider-google/lib/alloydb-cluster';
import { ArtifactRegistryRepository, type ArtifactRegistryRepositoryConfig } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { BigqueryDataset, type BigqueryDatasetConfig } from '@cdktf/provider-google/lib/bigquery-dataset';
import { CloudRunV2Service, type CloudRunV2ServiceConfig } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { ComputeBackendService, type ComputeBackendServiceConfig } from '@cdktf/provider-google/lib/compute-backend-service';
import { ComputeDisk, type ComputeDiskConfig } from '@cdktf/provider-google/lib/compute-disk';
import { ComputeFirewall, type ComputeFirewallConfig } from '@cdktf/provider-google/lib/compute-firewall';
import { ComputeInstance, type ComputeInstanceConfig } from '@cdktf/provider-google/lib/compute-instance';
import { ContainerCluster, type ContainerClusterConfig } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool, type ContainerNodePoolConfig } from '@cdktf/provider-google/lib/container-node-pool';
import { PubsubTopic, type PubsubTopicConfig } from '@cdktf/provider-google/lib/pubsub-topic';
import { SecretManagerSecret, type SecretManagerSecretConfig } from '@cdktf/provider-google/lib/secret-manager-secret';
import { SpannerDatabase, type SpannerDatabaseConfig } from '@cdktf/provider-google/lib/spanner-database';
import { SqlDatabaseInstance, type SqlDatabaseInstanceConfig } from '@cdktf/provider-google/lib/sql-database-instance';
import { StorageBucket, type StorageBucketConfig } from '@cdktf/provider-google/lib/storage-bucket';
import type { Construct } from 'constructs';
import { KEY_ID } from './stack';

const NETWORK = 'projects/my-project/global/networks/vpc';

export const compliant = {
  bucket: (scope: Construct, id = 'bucket', config: Partial<StorageBucketConfig> = {}) =>
    new StorageBucket(scope, id, {
      name: 'my-project-data',
      location: 'EU',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      encryption: { defaultKmsKeyName: KEY_ID },
      ...config,
    }),
  sql: (scope: Construct, id = 'sql', config: Partial<SqlDatabaseInstanceConfig> = {}) =>
    new SqlDatabaseInstance(scope, id, {
      databaseVersion: 'POSTGRES_16',
      region: 'europe-west1',
      encryptionKeyName: KEY_ID,
      deletionProtection: true,
      settings: {
        tier: 'db-custom-1-3840',
        deletionProtectionEnabled: true,
        ipConfiguration: { ipv4Enabled: false, privateNetwork: NETWORK },
      },
      ...config,
    }),
  cluster: (scope: Construct, id = 'cluster', config: Partial<ContainerClusterConfig> = {}) =>
    new ContainerCluster(scope, id, {
      name: 'apps',
      location: 'europe-west1',
      network: NETWORK,
      privateClusterConfig: { enablePrivateNodes: true, masterIpv4CidrBlock: '172.16.0.0/28' },
      databaseEncryption: { state: 'ENCRYPTED', keyName: KEY_ID },
      ...config,
    }),
  nodePool: (scope: Construct, id = 'pool', config: Partial<ContainerNodePoolConfig> = {}) =>
    new ContainerNodePool(scope, id, { cluster: 'apps', location: 'europe-west1', nodeCount: 1, ...config }),
  firewall: (scope: Construct, id = 'firewall', config: Partial<ComputeFirewallConfig> = {}) =>
    new ComputeFirewall(scope, id, {
      name: 'allow-https',
      network: NETWORK,
      allow: [{ protocol: 'tcp', ports: ['443'] }],
      sourceRanges: ['0.0.0.0/0'],
      ...config,
    }),
  instance: (scope: Construct, id = 'vm', config: Partial<ComputeInstanceConfig> = {}) =>
    new ComputeInstance(scope, id, {
      name: 'worker',
      zone: 'europe-west1-b',
      machineType: 'e2-small',
      bootDisk: { initializeParams: { image: 'debian-cloud/debian-12' }, kmsKeySelfLink: KEY_ID },
      networkInterface: [{ network: NETWORK }],
      ...config,
    }),
  topic: (scope: Construct, id = 'topic', config: Partial<PubsubTopicConfig> = {}) =>
    new PubsubTopic(scope, id, { name: 'events', kmsKeyName: KEY_ID, ...config }),
  dataset: (scope: Construct, id = 'dataset', config: Partial<BigqueryDatasetConfig> = {}) =>
    new BigqueryDataset(scope, id, { datasetId: 'analytics', location: 'EU', defaultEncryptionConfiguration: { kmsKeyName: KEY_ID }, ...config }),
  disk: (scope: Construct, id = 'disk', config: Partial<ComputeDiskConfig> = {}) =>
    new ComputeDisk(scope, id, { name: 'data', zone: 'europe-west1-b', diskEncryptionKey: { kmsKeySelfLink: KEY_ID }, ...config }),
  repository: (scope: Construct, id = 'repository', config: Partial<ArtifactRegistryRepositoryConfig> = {}) =>
    new ArtifactRegistryRepository(scope, id, { repositoryId: 'images', format: 'DOCKER', location: 'europe-west1', kmsKeyName: KEY_ID, ...config }),
  runService: (scope: Construct, id = 'run', config: Partial<CloudRunV2ServiceConfig> = {}) =>
    new CloudRunV2Service(scope, id, {
      name: 'api',
      location: 'europe-west1',
      template: { containers: [{ image: 'europe-west1-docker.pkg.dev/my-project/images/api:1' }], encryptionKey: KEY_ID },
      ...config,
    }),
  secret: (scope: Construct, id = 'secret', config: Partial<SecretManagerSecretConfig> = {}) =>
    new SecretManagerSecret(scope, id, {
      secretId: 'api-token',
      replication: { userManaged: { replicas: [{ location: 'europe-west1', customerManagedEncryption: { kmsKeyName: KEY_ID } }] } },
      ...config,
    }),
  spanner: (scope: Construct, id = 'spanner', config: Partial<SpannerDatabaseConfig> = {}) =>
    new SpannerDatabase(scope, id, { instance: 'main', name: 'orders', ...config }),
  alloydb: (scope: Construct, id = 'alloydb', config: Partial<AlloydbClusterConfig> = {}) =>
    new AlloydbCluster(scope, id, { clusterId: 'orders', location: 'europe-west1', networkConfig: { network: NETWORK }, ...config }),
  backendService: (scope: Construct, id = 'backend', config: Partial<ComputeBackendServiceConfig> = {}) =>
    new ComputeBackendService(scope, id, {
      name: 'orders-api',
      loadBalancingScheme: 'EXTERNAL_MANAGED',
      protocol: 'HTTPS',
      securityPolicy: 'projects/my-project/global/securityPolicies/edge',
      ...config,
    }),
};
