import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { S3Client } from '@aws-sdk/client-s3';
import { findWorkspaceRoot } from '@platform/config';
import {
  ensureGcsServer,
  ensureS3Server,
  readPinnedVersions,
  s3ClientFor,
  startGcsServer,
  startS3Server,
  type RunningGcsServer,
  type RunningS3Server,
} from '@platform/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GcsStore } from './gcs-store';
import { NX_CACHE_PREFIX, readEntry, writeEntry } from './nx-cache';
import { LocalDirectoryStore } from './local-directory-store';
import type { ObjectStore } from './object-store';
import { S3Store } from './s3-store';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const BUCKET = 'store-test';

let server: RunningS3Server | undefined;
let s3: S3Client | undefined;
let gcs: RunningGcsServer | undefined;
const tempDirs: string[] = [];
let storeCount = 0;

beforeAll(async () => {
  // The first run on a machine builds the local S3 server and the GCS emulator from the Go module proxy (minutes); later runs reuse the cache.
  const versions = readPinnedVersions(workspaceRoot);
  const log = (line: string) => console.log(line);
  const { binary } = await ensureS3Server({ versions, log });
  server = await startS3Server({ binary, buckets: [BUCKET] });
  s3 = s3ClientFor(server);
  gcs = await startGcsServer({ binary: (await ensureGcsServer({ versions, log })).binary, buckets: [BUCKET] });
}, 900_000);

afterAll(async () => {
  s3?.destroy();
  await server?.stop();
  await gcs?.stop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Each test gets an empty store: a fresh directory, or a fresh prefix in the shared bucket. */
const backends: ReadonlyArray<{ readonly name: string; readonly open: () => ObjectStore }> = [
  {
    name: 'LocalDirectoryStore',
    open: () => {
      const dir = mkdtempSync(join(tmpdir(), 'object-store-'));
      tempDirs.push(dir);
      return new LocalDirectoryStore(join(dir, 'store'));
    },
  },
  {
    name: 'S3Store (local S3 server)',
    open: () => new S3Store({ client: s3!, bucket: BUCKET, prefix: `run-${process.pid}/store-${++storeCount}` }),
  },
  {
    name: 'GcsStore (GCS emulator)',
    open: () => new GcsStore({ bucket: BUCKET, prefix: `run-${process.pid}/store-${++storeCount}`, apiEndpoint: gcs!.endpoint }),
  },
];

const bytes = (text: string) => new TextEncoder().encode(text);

describe.each(backends)('$name', ({ open }) => {
  it('holds Nx remote cache entries: written once, read back whole, a truncated one a miss', async () => {
    const store = open();
    const outputs = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 31) % 256);
    expect(await writeEntry(store, '123456', outputs)).toBe(true);
    expect(await writeEntry(store, '123456', bytes('other outputs')), 'write-once').toBe(false);
    const read = await readEntry(store, '123456');
    expect(read.found && Buffer.from(read.body).equals(Buffer.from(outputs))).toBe(true);
    const [blob] = (await store.list(`${NX_CACHE_PREFIX}/123456/`));
    await store.put(blob!, outputs.subarray(0, 10));
    expect(await readEntry(store, '123456')).toMatchObject({ found: false, why: 'corrupt' });
    expect(await readEntry(store, '654321')).toEqual({ found: false, why: 'absent' });
  });

  it('returns the exact bytes that were put, binary included', async () => {
    const store = open();
    const body = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 131 + 7) % 256);

    expect(await store.put('artifacts/v1/bundle.tgz', body)).toEqual({ written: true });

    expect(await store.get('artifacts/v1/bundle.tgz')).toEqual(body);
  });

  it('returns a 10 MB object intact', async () => {
    const store = open();
    const body = Uint8Array.from({ length: 10 * 1024 * 1024 }, (_, i) => (i * 7919 + 13) % 251);

    expect(await store.put('large/bundle.tgz', body, { ifAbsent: true })).toEqual({ written: true });

    expect(Buffer.compare(Buffer.from((await store.get('large/bundle.tgz'))!), Buffer.from(body))).toBe(0);
  });

  it('stores an empty object', async () => {
    const store = open();

    await store.put('empty', new Uint8Array());

    expect(await store.get('empty')).toEqual(new Uint8Array());
  });

  it('replaces an object on a plain put', async () => {
    const store = open();
    await store.put('pointer/dev', bytes('v1'));

    expect(await store.put('pointer/dev', bytes('v2'))).toEqual({ written: true });

    expect(await store.get('pointer/dev')).toEqual(bytes('v2'));
  });

  it('returns undefined for a missing key, including one that is only a folder of other keys', async () => {
    const store = open();
    await store.put('a/b', bytes('x'));

    expect(await store.get('missing')).toBeUndefined();
    expect(await store.get('a')).toBeUndefined();
    expect(await store.get('a/b/c')).toBeUndefined();
  });

  it('writes once with ifAbsent and refuses a second writer, keeping the first bytes', async () => {
    const store = open();

    expect(await store.put('releases/1.0.0', bytes('first'), { ifAbsent: true })).toEqual({ written: true });
    expect(await store.put('releases/1.0.0', bytes('second'), { ifAbsent: true })).toEqual({ written: false });

    expect(await store.get('releases/1.0.0')).toEqual(bytes('first'));
  });

  it('lets exactly one of 20 concurrent ifAbsent writers win', async () => {
    const store = open();

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.put('race/key', bytes(`writer-${i}`), { ifAbsent: true })),
    );

    const winners = results.flatMap((result, i) => (result.written ? [i] : []));
    expect(winners).toHaveLength(1);
    expect(await store.get('race/key')).toEqual(bytes(`writer-${winners[0]}`));
  });

  it('deletes an object so that it is neither served nor listed, and deleting a missing key is no error', async () => {
    const store = open();
    await store.put('state/app/terraform.tfstate', bytes('{}'));
    await store.put('state/app/other', bytes('kept'));

    await store.delete!('state/app/terraform.tfstate');
    await store.delete!('state/app/terraform.tfstate');
    await store.delete!('never-written');

    expect(await store.get('state/app/terraform.tfstate')).toBeUndefined();
    expect(await store.list('state/')).toEqual(['state/app/other']);
  });

  it('lists keys under a prefix, nested ones included, in sorted order', async () => {
    const store = open();
    for (const key of ['b/2', 'a/z', 'a/b/c/d', 'a/a', 'a-b', 'ab', 'a/b/c/e', 'c']) await store.put(key, bytes(key));

    expect(await store.list('')).toEqual(['a-b', 'a/a', 'a/b/c/d', 'a/b/c/e', 'a/z', 'ab', 'b/2', 'c']);
    expect(await store.list('a/')).toEqual(['a/a', 'a/b/c/d', 'a/b/c/e', 'a/z']);
    expect(await store.list('a')).toEqual(['a-b', 'a/a', 'a/b/c/d', 'a/b/c/e', 'a/z', 'ab']);
    expect(await store.list('a/b/c/')).toEqual(['a/b/c/d', 'a/b/c/e']);
    expect(await store.list('a/b/c/d')).toEqual(['a/b/c/d']);
    expect(await store.list('missing/')).toEqual([]);
  });

  it.each(['', '/abs', 'a//b', 'a/', './a', 'a/./b', '../escape', 'a/../b', 'a/..'])('refuses the invalid key %j', async (key) => {
    const store = open();

    await expect(store.put(key, bytes('x'))).rejects.toThrow(/invalid object key/);
    await expect(store.get(key)).rejects.toThrow(/invalid object key/);
    await expect(store.delete!(key)).rejects.toThrow(/invalid object key/);
  });

  it.each(['/', '../', 'a//', './'])('refuses the invalid list prefix %j', async (prefix) => {
    const store = open();

    await expect(store.list(prefix)).rejects.toThrow(/invalid list prefix/);
  });
});
