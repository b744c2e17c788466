import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalDirectoryStore } from './local-directory-store';
import { DEFAULT_LOCAL_STORE_DIR, defaultLocalStore, openConfiguredStore, openStore } from './open-store';
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

  it.each([
    ['gs://bucket', /unsupported object store spec 'gs:\/\/bucket' \(for Google Cloud Storage use s3:\/\/<bucket> with PLATFORM_STORE_ENDPOINT=https:\/\/storage.googleapis.com\)/],
    ['https://example.com/store', /unsupported object store spec 'https:\/\/example.com\/store': use 's3:\/\/<bucket>\[\/<prefix>\]', 'file:<path>'/],
    ['s3://', /object store spec 's3:\/\/' names no bucket/],
    ['s3:bucket', /object store spec 's3:bucket' names no bucket/],
    ['file:', /object store spec 'file:' names no directory/],
    ['file://remote-host/share', /object store spec 'file:\/\/remote-host\/share' is not a local file URL/],
    ['  ', /empty object store spec/],
  ])('refuses %j, naming the accepted forms', (spec, message) => {
    expect(() => openStore(spec, { cwd, env: {} })).toThrow(message);
    expect(() => openStore(spec, { cwd, env: {} })).toThrow(/use 's3:\/\/<bucket>\[\/<prefix>\]', 'file:<path>', 'file:\/\/\/<absolute path>' or a directory path/);
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
