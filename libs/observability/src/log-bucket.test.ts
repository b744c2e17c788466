import { LoggingProjectBucketConfig } from '@cdktf/provider-google/lib/logging-project-bucket-config';
import { TerraformOutput, TerraformVariable } from 'cdktf';
import { describe, expect, it } from 'vitest';
import { only, synth } from './__fixtures__/synth';
import { LogBucket, type LogBucketProps } from './log-bucket';

const KEY = 'projects/my-project/locations/europe-west1/keyRings/platform/cryptoKeys/logging';
const BUCKET = LoggingProjectBucketConfig.tfResourceType;
const base: LogBucketProps = { bucketId: 'audit-logs', project: 'my-project', location: 'europe-west1', kmsKeyName: KEY };

describe('LogBucket', () => {
  describe('given a bucket id, project, location and key only', () => {
    const out = synth((scope) => new LogBucket(scope, 'audit', base));

    it('creates one regional bucket encrypted with the key', () => {
      expect(out.count()).toBe(1);
      expect(out.json).toHaveResourceWithProperties(LoggingProjectBucketConfig, {
        bucket_id: 'audit-logs',
        project: 'my-project',
        location: 'europe-west1',
        cmek_settings: { kms_key_name: KEY },
      });
    });

    it("keeps logs for Cloud Logging's default 30 days, unlocked, without analytics", () => {
      expect(only(out, BUCKET)).toMatchObject({ retention_days: 30, locked: false, enable_analytics: false });
    });
  });

  it('given a locked bucket with an explicit retention, when synthesized, then the retention is locked', () => {
    const out = synth((scope) => new LogBucket(scope, 'audit', { ...base, retentionDays: 400, locked: true, description: 'Audit logs' }));
    expect(only(out, BUCKET)).toMatchObject({ retention_days: 400, locked: true, description: 'Audit logs' });
  });

  it('exposes its id and its sink destination as references to the bucket', () => {
    const out = synth((scope) => {
      const bucket = new LogBucket(scope, 'audit', base);
      new TerraformOutput(scope, 'id', { value: bucket.id });
      new TerraformOutput(scope, 'destination', { value: bucket.destination });
    });
    expect(out.output.id!.value).toMatch(/^\$\{google_logging_project_bucket_config\.audit_default_\w+\.id\}$/);
    expect(out.output.destination!.value).toMatch(/^logging\.googleapis\.com\/\$\{google_logging_project_bucket_config\.audit_default_\w+\.id\}$/);
  });

  it.each<[string, Partial<LogBucketProps>, RegExp]>([
    ['retention of 0 days', { retentionDays: 0 }, /retentionDays 0 is out of range: use a whole number from 1 to 3650/],
    ['retention beyond ten years', { retentionDays: 3651 }, /retentionDays 3651 is out of range/],
    ['a fractional retention', { retentionDays: 1.5 }, /retentionDays 1.5 is out of range/],
    ['a lock without a retention', { locked: true }, /locked is true but retentionDays is not set/],
    ['no key', { kmsKeyName: undefined as never }, /kmsKeyName is required/],
    ['a key ring instead of a key', { kmsKeyName: 'projects/p/locations/europe-west1/keyRings/r' }, /kmsKeyName '.*' is not a KMS key id/],
    ['a key in another location', { kmsKeyName: KEY.replace('europe-west1', 'us-east1') }, /kmsKeyName is in location 'us-east1' but the bucket is in 'europe-west1'/],
    ['a bucket id with a slash', { bucketId: 'audit/logs' }, /bucketId 'audit\/logs' is invalid: use 1-100 letters/],
    ['a reserved bucket id', { bucketId: '_Default' }, /bucketId '_Default' is invalid/],
    ['a bucket id over 100 characters', { bucketId: 'a'.repeat(101) }, /bucketId 'a{101}' is invalid/],
    ['a blank project', { project: ' ' }, /project ' ' must not be empty/],
  ])('given %s, when constructed, then it is refused', (_case, override, error) => {
    expect(() => synth((scope) => new LogBucket(scope, 'audit', { ...base, ...override }))).toThrow(error);
  });

  it('given several problems, when constructed, then one error lists them all with the construct path', () => {
    expect(() => synth((scope) => new LogBucket(scope, 'audit', { ...base, bucketId: 'a b', retentionDays: 0 }))).toThrow(
      /test\/audit: 2 problems:\n {2}- bucketId 'a b' is invalid.*\n {2}- retentionDays 0 is out of range/,
    );
  });

  it('given values known only at deploy time, when constructed, then validation skips them', () => {
    expect(() =>
      synth((scope) => {
        const text = (id: string) => new TerraformVariable(scope, id, { type: 'string' }).stringValue;
        new LogBucket(scope, 'audit', { bucketId: text('id'), project: text('project'), location: text('location'), kmsKeyName: text('key') });
      }),
    ).not.toThrow();
  });
});
