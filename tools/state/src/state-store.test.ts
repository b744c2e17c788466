import { environmentSchema, type EnvironmentConfig } from '@platform/config';
import { describe, expect, it } from 'vitest';
import { GcsStore, type S3Store } from '@platform/store';
import { openStateStore as openAnyStateStore, stateLockKey, stateObjectKey } from './state-store';

/** The S3 cases: their store is an S3Store. */
const openStateStore = (...args: Parameters<typeof openAnyStateStore>) => openAnyStateStore(...args) as S3Store;

function environment(state: Record<string, unknown>): EnvironmentConfig {
  return environmentSchema.parse({
    name: 'drill',
    kind: 'drill',
    tier: 'development',
    project: 'acme-platform-drill',
    projectNumber: '100000000009',
    region: 'europe-west4',
    state,
  });
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example' };

describe('stateObjectKey', () => {
  it('is <prefix>/<stack>/terraform.tfstate for the S3 backend, as the backend is configured', () => {
    expect(stateObjectKey(environment({ backend: 's3', bucket: 'tfstate', prefix: 'stacks' }).state, 'network')).toBe('stacks/network/terraform.tfstate');
  });

  it("is <prefix>/<stack>/default.tfstate for the GCS backend (its default workspace's object)", () => {
    expect(stateObjectKey(environment({ backend: 'gcs', bucket: 'tfstate', prefix: 'stacks' }).state, 'network')).toBe('stacks/network/default.tfstate');
  });
});

describe('stateLockKey', () => {
  it.each([
    ['stacks/network/terraform.tfstate', 'stacks/network/terraform.tfstate.tflock'],
    ['stacks/network/default.tfstate', 'stacks/network/default.tflock'],
  ])('locks %s with %s', (stateKey, lockKey) => {
    expect(stateLockKey(stateKey)).toBe(lockKey);
  });
});

describe('openStateStore', () => {
  it('reads a runtime endpoint and its keys from PLATFORM_STATE_ENDPOINT and the AWS variables, path-style', async () => {
    const store = openStateStore(environment({ backend: 's3', bucket: 'platform-drill-tfstate', endpoint: 'runtime' }), {
      PLATFORM_STATE_ENDPOINT: 'http://127.0.0.1:7070',
      ...KEYS,
    });
    try {
      expect(store.location).toBe('s3://platform-drill-tfstate');
      expect(store.prefix).toBe('');
      expect(store.client.config.forcePathStyle).toBe(true);
      expect(await store.client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 7070, protocol: 'http:' });
      expect(await store.client.config.credentials()).toMatchObject({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example' });
    } finally {
      store.destroy();
    }
  });

  it('names the variables a runtime endpoint needs when they are missing', () => {
    expect(() => openStateStore(environment({ backend: 's3', bucket: 'platform-drill-tfstate', endpoint: 'runtime' }), KEYS)).toThrow(
      /set PLATFORM_STATE_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/,
    );
  });

  it('uses an explicit endpoint path-style, in the state region', async () => {
    const store = openStateStore(environment({ backend: 's3', bucket: 'tfstate', region: 'eu-central-1', endpoint: 'https://s3.example.test' }), KEYS);
    try {
      expect(await store.client.config.region()).toBe('eu-central-1');
      expect(store.client.config.forcePathStyle).toBe(true);
      expect(await store.client.config.endpoint?.()).toMatchObject({ hostname: 's3.example.test' });
    } finally {
      store.destroy();
    }
  });

  it('addresses AWS S3 itself virtual-hosted when no endpoint is set', async () => {
    const store = openStateStore(environment({ backend: 's3', bucket: 'tfstate', region: 'eu-west-1' }), KEYS);
    try {
      expect(await store.client.config.region()).toBe('eu-west-1');
      expect(store.client.config.forcePathStyle).toBeFalsy();
      expect(store.client.config.endpoint).toBeUndefined();
    } finally {
      store.destroy();
    }
  });

  it('reads a GCS bucket natively, from Cloud Storage itself unless the environment names an endpoint', () => {
    const cloud = openAnyStateStore(environment({ backend: 'gcs', bucket: 'acme-platform-dev-tfstate' }), {});
    expect(cloud).toBeInstanceOf(GcsStore);
    expect(cloud.location).toBe('gs://acme-platform-dev-tfstate');
    expect((cloud as GcsStore).client.apiEndpoint).toBe('https://storage.googleapis.com');
    const psc = openAnyStateStore(environment({ backend: 'gcs', bucket: 'acme-platform-dev-tfstate', endpoint: 'https://storage-acme.p.googleapis.com/storage/v1/' }), {});
    expect((psc as GcsStore).client.apiEndpoint).toBe('https://storage-acme.p.googleapis.com');
  });

  it('reads a GCS bucket whose endpoint is known at run time from PLATFORM_STATE_ENDPOINT, and asks for it when unset', () => {
    const store = openAnyStateStore(environment({ backend: 'gcs', bucket: 'fixture-state', endpoint: 'runtime' }), { PLATFORM_STATE_ENDPOINT: 'http://127.0.0.1:4443/storage/v1/' });
    expect((store as GcsStore).client.apiEndpoint).toBe('http://127.0.0.1:4443');
    expect(() => openAnyStateStore(environment({ backend: 'gcs', bucket: 'fixture-state', endpoint: 'runtime' }), {})).toThrow(/set PLATFORM_STATE_ENDPOINT/);
  });
});
