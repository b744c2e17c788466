import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { describe, expect, it } from 'vitest';
import { cdktfMatchers } from './matchers';
import { parseSynthesized } from './parsed-stack';
import { synthesizeScope } from './synthesized';

const synthesized = synthesizeScope((scope) => {
  new GoogleProvider(scope, 'google', { project: 'p' });
  new StorageBucket(scope, 'a', { name: 'a', location: 'EU', uniformBucketLevelAccess: true });
  new StorageBucket(scope, 'b', { name: 'b', location: 'EU' });
});

describe('cdktf matchers for Vitest', () => {
  it('match a resource by type name or by provider class, with partial properties', () => {
    expect(synthesized.json).toHaveResource('google_storage_bucket');
    expect(synthesized.json).toHaveResource(StorageBucket);
    expect(synthesized.json).toHaveResourceWithProperties(StorageBucket, { name: 'a', uniform_bucket_level_access: true });
    expect(synthesized.json).toHaveProviderWithProperties(GoogleProvider, { project: 'p' });
  });

  it('fail with a message naming what was expected', () => {
    const result = cdktfMatchers.toHaveResourceWithProperties(synthesized.json, 'google_storage_bucket', { name: 'c' });
    expect(result.pass).toBe(false);
    expect(result.message()).toMatch(/google_storage_bucket/);
    expect(synthesized.json).not.toHaveResource('google_compute_network');
    expect(synthesized.json).not.toHaveDataSource('google_client_config');
  });
});

describe('parsed synthesized stack', () => {
  it('counts resources overall and by type', () => {
    expect(synthesized.count()).toBe(2);
    expect(synthesized.count('google_storage_bucket')).toBe(2);
    expect(synthesized.count('google_compute_network')).toBe(0);
  });

  it('returns the single resource of a type, or says how many there are', () => {
    const one = parseSynthesized(JSON.stringify({ resource: { google_compute_network: { n: { name: 'n' } } } }));
    expect(one.single('google_compute_network')).toEqual({ name: 'n' });
    expect(() => synthesized.single('google_storage_bucket')).toThrow(/expected exactly one google_storage_bucket, found 2/);
  });

  it('reads a stack with no resources, data or outputs as empty', () => {
    const empty = parseSynthesized('{}');
    expect([empty.count(), empty.data, empty.output]).toEqual([0, {}, {}]);
  });
});
