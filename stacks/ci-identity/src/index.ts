import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { bootstrapContract, ciIdentityContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { ciIdentitySettings } from './settings';

/** Workload Identity Federation for CI: a GitHub OIDC pool and provider, and one keyless service account per pipeline stage. */
export default defineStack({
  name: 'ci-identity',
  description: 'Workload Identity Federation for CI: a GitHub OIDC pool and provider, and one keyless service account per pipeline stage.',
  settings: ciIdentitySettings,
  build(stack, settings) {
    const env = stack.environment;
    // A CMEK key must be in the bucket's location; the security stack's keys are in the environment's region.
    if (settings.bucketLocation !== env.region) {
      throw new Error(
        `environments/${env.name}/ci-identity.yaml: key 'bucketLocation' must be the environment's region '${env.region}' (where the security stack's keys are); got '${settings.bucketLocation}'`,
      );
    }
    const security = stack.upstream(securityContract, ['kmsKeyIds']);
    // Reads bootstrap's outputs: keep only the keys you use and pass them to your resources.
    stack.upstream(bootstrapContract, ['stateBucket']);

    const bucket = new StorageBucket(stack, 'bucket', {
      name: `${env.project}-ci-identity`,
      location: settings.bucketLocation,
      storageClass: settings.storageClass,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: security.kmsKeyIds.get('storage') },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { numNewerVersions: settings.retainedVersions, withState: 'ARCHIVED' },
        },
      ],
      // Destroying the stack never deletes the objects: empty the bucket deliberately first.
      forceDestroy: false,
    });

    stack.publish(ciIdentityContract, { bucketName: bucket.name });
  },
});
