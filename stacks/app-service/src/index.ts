import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { networkContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { appServiceSettings } from './settings';

/** A Cloud Run service reachable only from inside (load balancer or VPC), with its image repository. */
export default defineStack({
  name: 'app-service',
  description: 'Cloud Run service and its Artifact Registry repository, on the shared VPC.',
  settings: appServiceSettings,
  build(stack, settings) {
    const env = stack.environment;
    const network = stack.upstream(networkContract, ['vpcSelfLink', 'subnetSelfLinks']);
    const security = stack.upstream(securityContract, ['kmsKeyIds', 'serviceAccountEmails']);

    new ArtifactRegistryRepository(stack, 'repository', {
      repositoryId: settings.repository,
      location: env.region,
      format: 'DOCKER',
      description: `Images of ${settings.serviceName}`,
      kmsKeyName: security.kmsKeyIds.get('artifacts'),
      dockerConfig: { immutableTags: true },
      cleanupPolicies: [
        { id: 'keep-recent', action: 'KEEP', mostRecentVersions: { keepCount: settings.keepImageVersions } },
        { id: 'delete-untagged', action: 'DELETE', condition: { tagState: 'UNTAGGED', olderThan: '604800s' } },
      ],
    });

    new CloudRunV2Service(stack, 'service', {
      name: settings.serviceName,
      location: env.region,
      ingress: settings.ingress,
      deletionProtection: env.tier === 'production',
      template: {
        serviceAccount: security.serviceAccountEmails.get('app-runtime'),
        encryptionKey: security.kmsKeyIds.get('run'),
        scaling: { minInstanceCount: settings.minInstances, maxInstanceCount: settings.maxInstances },
        vpcAccess: {
          egress: 'PRIVATE_RANGES_ONLY',
          networkInterfaces: [{ network: network.vpcSelfLink, subnetwork: network.subnetSelfLinks.get(settings.subnet) }],
        },
        containers: [
          {
            image: settings.image,
            resources: { limits: { cpu: settings.cpu, memory: settings.memory }, cpuIdle: true },
          },
        ],
      },
    });
  },
});
