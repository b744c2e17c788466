import { ArtifactRegistryRepository } from '@cdktf/provider-google/lib/artifact-registry-repository';
import { ArtifactRegistryRepositoryIamMember } from '@cdktf/provider-google/lib/artifact-registry-repository-iam-member';
import { CloudRunV2Service } from '@cdktf/provider-google/lib/cloud-run-v2-service';
import { appServiceContract, networkContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { Roles } from '@platform/security';
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

    const repository = new ArtifactRegistryRepository(stack, 'repository', {
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

    // IAM on the repository, not the project: GKE nodes pull images from this repository only.
    new ArtifactRegistryRepositoryIamMember(stack, 'repository-reader-gke-nodes', {
      project: repository.project,
      location: repository.location,
      repository: repository.name,
      role: Roles.artifactReader,
      member: `serviceAccount:${security.serviceAccountEmails.get('gke-nodes')}`,
    });

    const service = new CloudRunV2Service(stack, 'service', {
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

    stack.publish(appServiceContract, {
      serviceName: service.name,
      serviceUri: service.uri,
      location: service.location,
      repositoryId: repository.repositoryId,
    });
  },
});
