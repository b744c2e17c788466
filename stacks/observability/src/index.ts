import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { observabilityContract, securityContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { observabilitySettings } from './settings';

/** Audit log bucket and sink, alerting and the billing budget. */
export default defineStack({
  name: 'observability',
  description: 'Audit log bucket and sink, alerting and the billing budget.',
  settings: observabilitySettings,
  build(stack, settings) {
    const env = stack.environment;
    // A CMEK key must be in the bucket's location; the security stack's keys are in the environment's region.
    if (settings.bucketLocation !== env.region) {
      throw new Error(
        `environments/${env.name}/observability.yaml: key 'bucketLocation' must be the environment's region '${env.region}' (where the security stack's keys are); got '${settings.bucketLocation}'`,
      );
    }
    const security = stack.upstream(securityContract, ['kmsKeyIds']);

    const bucket = new StorageBucket(stack, 'bucket', {
      name: `${env.project}-observability`,
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

    stack.publish(observabilityContract, { bucketName: bucket.name });
  },
});
