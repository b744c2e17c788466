import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const loaded = (specifier: string) => require.cache[require.resolve(specifier)] !== undefined;

describe('the store and its SDKs', () => {
  it('loads neither the S3 nor the Cloud Storage SDK until a store of that kind is made', async () => {
    const store = await import('./index');
    expect(loaded('@aws-sdk/client-s3'), '@aws-sdk/client-s3').toBe(false);
    expect(loaded('@google-cloud/storage'), '@google-cloud/storage').toBe(false);
    new store.S3Store({ client: store.s3ClientFromEnvironment({}), bucket: 'artifacts' });
    expect(loaded('@aws-sdk/client-s3')).toBe(true);
    new store.GcsStore({ bucket: 'artifacts', apiEndpoint: 'http://127.0.0.1:9' });
    expect(loaded('@google-cloud/storage')).toBe(true);
  });
});
