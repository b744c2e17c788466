import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { bootstrapContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { KmsKeyRing } from '@platform/security';
import { bootstrapSettings, kmsLocationOf } from './settings';

/**
 * The state bucket every other stack of the environment keeps its state in, encrypted with
 * its own key. Applied first, once, with local state that is then migrated into the bucket.
 */
export default defineStack({
  name: 'bootstrap',
  description: 'State bucket and its KMS key.',
  settings: bootstrapSettings,
  build(stack, settings) {
    const env = stack.environment;
    // A CMEK key must live in the bucket's location (multi-region EU -> KMS location europe).
    const keyRing = new KmsKeyRing(stack, 'key-ring', {
      name: `${env.name}-bootstrap`,
      location: kmsLocationOf(settings.bucketLocation),
    });
    const stateKey = keyRing.addKey('state-key', {
      name: 'terraform-state',
      rotationPeriod: `${settings.keyRotationDays * 86_400}s`,
      preventDestroy: env.kind !== 'drill',
    });
    const keyGrant = stateKey.grantEncryptDecrypt(`serviceAccount:${stack.serviceAgent('gs-project-accounts')}`);

    const bucket = new StorageBucket(stack, 'state-bucket', {
      name: env.state.bucket,
      location: settings.bucketLocation,
      storageClass: 'STANDARD',
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      versioning: { enabled: true },
      encryption: { defaultKmsKeyName: stateKey.id },
      softDeletePolicy: { retentionDurationSeconds: 7 * 86_400 },
      lifecycleRule: [
        {
          action: { type: 'Delete' },
          condition: { numNewerVersions: settings.retainedStateVersions, withState: 'ARCHIVED' },
        },
      ],
      // Only a drill's throwaway bucket may be emptied on destroy.
      forceDestroy: env.kind === 'drill',
      dependsOn: [keyGrant],
    });

    stack.publish(bootstrapContract, { stateBucket: bucket.name, stateKeyId: stateKey.id });
  },
});
