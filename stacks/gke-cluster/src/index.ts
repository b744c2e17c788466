import { ContainerCluster } from '@cdktf/provider-google/lib/container-cluster';
import { ContainerNodePool } from '@cdktf/provider-google/lib/container-node-pool';
import { gkeClusterContract, networkContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { gkeClusterSettings } from './settings';

/** A regional private GKE cluster on the shared VPC, with application secrets encrypted by CMEK. */
export default defineStack({
  name: 'gke-cluster',
  description: 'Private GKE cluster with CMEK-encrypted secrets and workload node pools.',
  settings: gkeClusterSettings,
  build(stack, settings) {
    const env = stack.environment;
    const network = stack.upstream(networkContract, ['vpcSelfLink', 'subnetSelfLinks', 'subnetSecondaryRanges']);
    const security = stack.upstream(securityContract, ['kmsKeyIds', 'serviceAccountEmails']);
    const protectData = env.tier !== 'development';

    const cluster = new ContainerCluster(stack, 'cluster', {
      name: settings.clusterName,
      location: env.region,
      network: network.vpcSelfLink,
      subnetwork: network.subnetSelfLinks.get(settings.subnet),
      // Node pools are managed below; the default pool exists only while the cluster is created.
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      networkingMode: 'VPC_NATIVE',
      datapathProvider: 'ADVANCED_DATAPATH',
      enableShieldedNodes: true,
      enableLegacyAbac: false,
      deletionProtection: protectData,
      ipAllocationPolicy: {
        clusterSecondaryRangeName: network.subnetSecondaryRanges.get(`${settings.subnet}/${settings.podsRange}`),
        servicesSecondaryRangeName: network.subnetSecondaryRanges.get(`${settings.subnet}/${settings.servicesRange}`),
      },
      privateClusterConfig: {
        enablePrivateNodes: true,
        enablePrivateEndpoint: true,
        masterIpv4CidrBlock: settings.masterCidr,
      },
      masterAuthorizedNetworksConfig: {
        gcpPublicCidrsAccessEnabled: false,
        cidrBlocks: Object.entries(settings.masterAuthorizedNetworks).map(([displayName, cidrBlock]) => ({
          displayName,
          cidrBlock,
        })),
      },
      databaseEncryption: { state: 'ENCRYPTED', keyName: security.kmsKeyIds.get('gke') },
      workloadIdentityConfig: { workloadPool: `${env.project}.svc.id.goog` },
      releaseChannel: { channel: settings.releaseChannel },
      maintenancePolicy: { dailyMaintenanceWindow: { startTime: settings.maintenanceStart } },
    });

    const poolNames: string[] = [];
    for (const [name, pool] of Object.entries(settings.nodePools)) {
      const nodePool = new ContainerNodePool(stack, `pool-${name}`, {
        name,
        cluster: cluster.id,
        location: env.region,
        autoscaling: { minNodeCount: pool.minNodes, maxNodeCount: pool.maxNodes },
        management: { autoRepair: true, autoUpgrade: true },
        nodeConfig: {
          machineType: pool.machineType,
          diskSizeGb: pool.diskSizeGb,
          diskType: 'pd-balanced',
          spot: pool.spot,
          bootDiskKmsKey: security.kmsKeyIds.get('gke'),
          serviceAccount: security.serviceAccountEmails.get('gke-nodes'),
          oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
          shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
          workloadMetadataConfig: { mode: 'GKE_METADATA' },
          metadata: { 'disable-legacy-endpoints': 'true' },
        },
      });
      poolNames.push(nodePool.name);
    }

    stack.publish(gkeClusterContract, {
      clusterName: cluster.name,
      clusterId: cluster.id,
      location: cluster.location,
      workloadPool: `${env.project}.svc.id.goog`,
      nodePools: poolNames,
    });
  },
});
