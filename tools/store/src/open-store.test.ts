import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirectoryStore } from './local-directory-store';
import { DEFAULT_LOCAL_STORE_DIR, defaultLocalStore, openConfiguredStore, openStore } from './open-store';
import { GcsStore } from './gcs-store';
import { S3Store } from './s3-store';

const cwd = mkdtempSync(join(tmpdir(), 'open-store-'));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

describe('openStore', () => {
  it.each([
    ['a bare relative path', 'stores/a', join(cwd, 'stores/a')],
    ['a bare absolute path', join(cwd, 'abs'), join(cwd, 'abs')],
    ['file: with a relative path', 'file:stores/b', join(cwd, 'stores/b')],
    ['file: with an absolute path', `file:${join(cwd, 'c')}`, join(cwd, 'c')],
    ['a file:// URL', pathToFileURL(join(cwd, 'with space')).href, join(cwd, 'with space')],
  ])('opens a local directory store for %s', (_, spec, root) => {
    const store = openStore(spec, { cwd });

    expect(store).toBeInstanceOf(LocalDirectoryStore);
    expect((store as LocalDirectoryStore).root).toBe(root);
  });

  it('opens an S3 store for s3://bucket/prefix with the endpoint from the environment', async () => {
    const store = openStore('s3://artifacts/team/builds/', { env: { PLATFORM_STORE_ENDPOINT: 'http://127.0.0.1:9000', AWS_REGION: 'eu-west-1' } });

    expect(store).toBeInstanceOf(S3Store);
    const s3 = store as S3Store;
    try {
      expect(s3.bucket).toBe('artifacts');
      expect(s3.prefix).toBe('team/builds');
      expect(s3.location).toBe('s3://artifacts/team/builds');
      expect(s3.client.config.forcePathStyle).toBe(true);
      expect(await s3.client.config.endpoint?.()).toMatchObject({ hostname: '127.0.0.1', port: 9000 });
      expect(await s3.client.config.region()).toBe('eu-west-1');
    } finally {
      s3.destroy();
    }
  });

  it('opens an S3 store at the bucket root for s3://bucket', () => {
    const store = openStore('s3://artifacts', { env: {} }) as S3Store;
    try {
      expect(store.location).toBe('s3://artifacts');
      expect(store.prefix).toBe('');
    } finally {
      store.destroy();
    }
  });

  it('opens a GCS store for gs://bucket/prefix, on Google Cloud Storage when no endpoint is set', () => {
    const store = openStore('gs://artifacts/team/builds/', { env: { GOOGLE_CLOUD_PROJECT: 'platform-prod' } });

    expect(store).toBeInstanceOf(GcsStore);
    const gcs = store as GcsStore;
    expect(gcs.bucketName).toBe('artifacts');
    expect(gcs.prefix).toBe('team/builds');
    expect(gcs.location).toBe('gs://artifacts/team/builds');
    expect(gcs.client.apiEndpoint).toBe('https://storage.googleapis.com');
    expect(gcs.client.baseUrl).toBe('https://storage.googleapis.com/storage/v1');
    expect(gcs.client.projectId).toBe('platform-prod');
  });

  it.each([
    ['STORAGE_EMULATOR_HOST as host:port (plain HTTP)', { STORAGE_EMULATOR_HOST: '127.0.0.1:4443' }, 'http://127.0.0.1:4443'],
    ['STORAGE_EMULATOR_HOST as a URL with the API path', { STORAGE_EMULATOR_HOST: 'http://127.0.0.1:4443/storage/v1/' }, 'http://127.0.0.1:4443'],
    ['PLATFORM_STORE_ENDPOINT', { PLATFORM_STORE_ENDPOINT: 'https://gcs.internal.example:8443/' }, 'https://gcs.internal.example:8443'],
    ['both, naming the same endpoint', { STORAGE_EMULATOR_HOST: '127.0.0.1:4443', PLATFORM_STORE_ENDPOINT: 'http://127.0.0.1:4443' }, 'http://127.0.0.1:4443'],
  ])('opens a GCS store at the endpoint of %s', (_, env, endpoint) => {
    const store = openStore('gs://artifacts', { env }) as GcsStore;

    expect(store.location).toBe('gs://artifacts');
    expect(store.prefix).toBe('');
    expect(store.client.apiEndpoint).toBe(endpoint);
    expect(store.client.baseUrl).toBe(`${endpoint}/storage/v1`);
  });

  it.each([
    [{ STORAGE_EMULATOR_HOST: '127.0.0.1:4443', PLATFORM_STORE_ENDPOINT: 'http://127.0.0.1:9000' }, /STORAGE_EMULATOR_HOST='127.0.0.1:4443' and PLATFORM_STORE_ENDPOINT='http:\/\/127.0.0.1:9000' name different GCS endpoints/],
    [{ PLATFORM_STORE_ENDPOINT: 'localhost:4443' }, /PLATFORM_STORE_ENDPOINT='localhost:4443' is not an http\(s\) URL/],
    [{ PLATFORM_STORE_ENDPOINT: 'http://127.0.0.1:4443/other/path' }, /PLATFORM_STORE_ENDPOINT='http:\/\/127.0.0.1:4443\/other\/path' is not an http\(s\) URL of a host/],
    [{ STORAGE_EMULATOR_HOST: 'ftp://127.0.0.1' }, /STORAGE_EMULATOR_HOST='ftp:\/\/127.0.0.1' is not an http\(s\) URL/],
  ])('refuses a gs:// store whose endpoint settings are %j, naming the variable', (env, message) => {
    expect(() => openStore('gs://artifacts', { env })).toThrow(message);
  });

  it.each([
    ['gs://Upper', /invalid GCS bucket name 'Upper'/],
    ['gs://ab', /invalid GCS bucket name 'ab': it must be 3 to 63 characters long/],
    ['gs://bucket/a/../b', /invalid GCS store prefix 'a\/..\/b'/],
  ])('refuses the gs:// spec %j, naming the rule', (spec, message) => {
    expect(() => openStore(spec, { env: {} })).toThrow(message);
  });

  it.each([
    ['gs:bucket', /object store spec 'gs:bucket' names no bucket/],
    ['gs://', /object store spec 'gs:\/\/' names no bucket/],
    ['https://example.com/store', /unsupported object store spec 'https:\/\/example.com\/store': use 'gs:\/\/<bucket>\[\/<prefix>\]', 's3:\/\/<bucket>\[\/<prefix>\]', 'file:<path>'/],
    ['s3://', /object store spec 's3:\/\/' names no bucket/],
    ['s3:bucket', /object store spec 's3:bucket' names no bucket/],
    ['file:', /object store spec 'file:' names no directory/],
    ['file://remote-host/share', /object store spec 'file:\/\/remote-host\/share' is not a local file URL/],
    ['  ', /empty object store spec/],
  ])('refuses %j, naming the accepted forms', (spec, message) => {
    expect(() => openStore(spec, { cwd, env: {} })).toThrow(message);
    expect(() => openStore(spec, { cwd, env: {} })).toThrow(/use 'gs:\/\/<bucket>\[\/<prefix>\]', 's3:\/\/<bucket>\[\/<prefix>\]', 'file:<path>', 'file:\/\/\/<absolute path>' or a directory path/);
  });

  it('puts the default store in dist/store under the workspace', () => {
    expect(DEFAULT_LOCAL_STORE_DIR).toBe('dist/store');
    expect(defaultLocalStore(cwd).root).toBe(join(cwd, 'dist', 'store'));
  });
});

describe('the store a command is configured with', () => {
  it('takes the option first, then the environment variable, then the folder under the workspace', () => {
    const env = { PLATFORM_STORE: join(cwd, 'from-env'), PLATFORM_STATE_BACKUP: '  ' };
    expect(openConfiguredStore(cwd, join(cwd, 'from-option'), { env }).location).toBe(new LocalDirectoryStore(join(cwd, 'from-option')).location);
    expect(openConfiguredStore(cwd, undefined, { env }).location).toBe(new LocalDirectoryStore(join(cwd, 'from-env')).location);
    expect(openConfiguredStore(cwd, undefined, { env: {} }).location).toBe(defaultLocalStore(cwd).location);
    expect(openConfiguredStore(cwd, undefined, { env, variable: 'PLATFORM_STATE_BACKUP', defaultDir: 'dist/state-backups' }).location).toBe(
      new LocalDirectoryStore(join(cwd, 'dist/state-backups')).location,
    );
  });
});
