import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { bootstrapContract } from '@platform/contracts';
import { defineStack } from '@platform/core';
import { KmsKeyRing } from '@platform/security';
import { bootstrapSettings, kmsLocationOf } from './settings';

/**
 * The state bucket every other stack of the environment keeps its state in, encrypted with
 * its own key, and the bucket its state snapshots go to when `state.backups` names one in Cloud
 * Storage (kept apart, so that losing one bucket never loses both). Applied first, once, with
 * local state that is then migrated into the bucket.
 */
export default defineStack({
  name: 'bootstrap',
  description: 'State bucket, state snapshot bucket and their KMS key.',
  settings: bootstrapSettings,
  build(stack, settings) {
    const env = stack.environment;
    // A CMEK key must live in the bucket's location (multi-region EU -> KMS location europe).
    // Key rings can never be deleted: a drill's ring is its run's own.
    const keyRing = new KmsKeyRing(stack, 'key-ring', {
      name: stack.uniqueName(`${env.name}-bootstrap`, 63),
      location: kmsLocationOf(settings.bucketLocation),
    });
    const stateKey = keyRing.addKey('state-key', {
      name: 'terraform-state',
      rotationPeriod: `${settings.keyRotationDays * 86_400}s`,
      preventDestroy: env.kind !== 'drill',
    });
    const keyGrant = stateKey.grantEncryptDecrypt(`serviceAccount:${stack.serviceAgent('gs-project-accounts')}`);

    // Both buckets: private, versioned, CMEK, deleted objects recoverable for a week, old versions pruned.
    const protectedBucket = (id: string, name: string) =>
      new StorageBucket(stack, id, {
        name,
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
    const bucket = protectedBucket('state-bucket', env.state.bucket);
    const backups = /^gs:\/\/([^/]+)/.exec(env.state.backups ?? '')?.[1];
    if (backups) protectedBucket('state-snapshot-bucket', backups);

    stack.publish(bootstrapContract, { stateBucket: bucket.name, stateKeyId: stateKey.id });
  },
});
