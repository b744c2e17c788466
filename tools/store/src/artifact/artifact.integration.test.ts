import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { ensureGcsServer, ensureS3Server, readPinnedVersions, s3ClientFor, startGcsServer, startS3Server, type RunningGcsServer, type RunningS3Server } from '@platform/engine';
import { copyWorkspaceAsRepository, removeWorkspaceCopy, TSX } from '@platform/testing';
import { GcsStore } from '../gcs-store';
import { LocalDirectoryStore } from '../local-directory-store';
import type { ObjectStore } from '../object-store';
import { S3Store } from '../s3-store';
import { buildArtifact, manifestBytes, sha256Hex, type Artifact } from './build';
import { blobKey, fetchArtifact, ImmutableVersionError, listVersions, publishArtifact, TamperedArtifactError, UnknownVersionError } from './publish';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
/** The toolchain an artifact records: what the caller (delivery) reads from the pins. */
const TOOLCHAIN = { opentofu: '1.11.14', providers: { 'hashicorp/google': '6.50.0' } };
const log = () => {};

function sh(cwd: string, command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr || result.stdout}`);
}

/** A variant of an artifact with one byte of one file changed (and a matching manifest). */
function variant(artifact: Artifact): Artifact {
  const [path, bytes] = [...artifact.files][0]!;
  const changed = Buffer.concat([Buffer.from(bytes), Buffer.from(' ')]);
  const files = new Map(artifact.files).set(path, changed);
  return { files, manifest: { ...artifact.manifest, files: { ...artifact.manifest.files, [path]: { sha256: sha256Hex(changed), size: changed.length } } } };
}

/** A store whose writes start failing after `okPuts` successful ones: an outage mid-publish. */
function failingAfter(store: ObjectStore, okPuts: number): ObjectStore {
  let puts = 0;
  return {
    location: store.location,
    get: (key) => store.get(key),
    list: (prefix) => store.list(prefix),
    put: async (key, body, options) => {
      if (++puts > okPuts) throw new Error('simulated store outage');
      return store.put(key, body, options);
    },
  };
}

let copy: string;
let artifact: Artifact;
let server: RunningS3Server;
let gcs: RunningGcsServer;
let localRoot: string;

beforeAll(async () => {
  copy = copyWorkspaceAsRepository(WORKSPACE, 'artifact');
  sh(copy, process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'synth', 'network']);
  artifact = buildArtifact(copy, 'network', '1.2.0', { toolchain: TOOLCHAIN });
  const s3 = await ensureS3Server({ versions: readPinnedVersions(WORKSPACE), log });
  server = await startS3Server({ binary: s3.binary, buckets: ['artifacts'] });
  gcs = await startGcsServer({ binary: (await ensureGcsServer({ versions: readPinnedVersions(WORKSPACE), log })).binary, buckets: ['artifacts'] });
  localRoot = mkdtempSync(join(tmpdir(), 'local-store-'));
}, 900_000);

afterAll(async () => {
  await server?.stop();
  await gcs?.stop();
  if (copy) removeWorkspaceCopy(copy);
  if (localRoot) rmSync(localRoot, { recursive: true, force: true });
});

describe('packaging', () => {
  it('holds the JSON of every environment and a manifest with commit, hashes, versions and contracts', () => {
    expect([...artifact.files.keys()]).toEqual(['environments/dev/cdk.tf.json', 'environments/drill/cdk.tf.json', 'environments/prod/cdk.tf.json', 'environments/staging/cdk.tf.json']);
    expect(artifact.manifest).toMatchObject({
      stack: 'network',
      version: '1.2.0',
      gitCommit: expect.stringMatching(/^[0-9a-f]{40}$/),
      engine: { opentofu: '1.11.14' },
      providers: { 'hashicorp/google': '6.50.0' },
      contracts: { published: { network: 1 }, consumed: {} },
    });
    expect(artifact.manifest.files['environments/prod/cdk.tf.json']!.sha256).toBe(sha256Hex(readFileSync(join(copy, 'dist/stacks/network/prod/cdk.tf.json'))));
  });

  it('gives the same bytes when the same commit is packaged again', () => {
    const again = buildArtifact(copy, 'network', '1.2.0', { toolchain: TOOLCHAIN });
    expect(Buffer.from(manifestBytes(again.manifest)).equals(Buffer.from(manifestBytes(artifact.manifest)))).toBe(true);
  });
});

describe.each([
  ['the local directory store', () => new LocalDirectoryStore(join(localRoot, `s-${Math.random().toString(36).slice(2)}`))],
  ['the local S3 server', () => new S3Store({ client: s3ClientFor(server), bucket: 'artifacts', prefix: `p-${Math.random().toString(36).slice(2)}` })],
  ['the GCS emulator', () => new GcsStore({ bucket: 'artifacts', prefix: `p-${Math.random().toString(36).slice(2)}`, apiEndpoint: gcs.endpoint })],
] as const)('publishing to %s', (_name, openStore) => {
  it('publishes, lists and fetches a version, verifying every file', async () => {
    const store = openStore();
    expect(await publishArtifact(store, artifact)).toMatchObject({ status: 'published' });
    expect(await listVersions(store, 'network')).toEqual(['1.2.0']);
    const fetched = await fetchArtifact(store, 'network', '1.2.0');
    for (const [path, bytes] of artifact.files) expect(Buffer.from(fetched.files.get(path)!).equals(Buffer.from(bytes)), path).toBe(true);
  });

  it('accepts the same bytes again and refuses different bytes for a published version', async () => {
    const store = openStore();
    await publishArtifact(store, artifact);
    expect(await publishArtifact(store, artifact)).toMatchObject({ status: 'already published' });
    await expect(publishArtifact(store, variant(artifact))).rejects.toThrow(ImmutableVersionError);
    const fetched = await fetchArtifact(store, 'network', '1.2.0');
    expect(fetched.manifest.files).toEqual(artifact.manifest.files);
  });

  it('refuses a tampered artifact, naming the file', async () => {
    const store = openStore();
    await publishArtifact(store, artifact);
    const target = artifact.manifest.files['environments/prod/cdk.tf.json']!.sha256;
    await store.put(blobKey(target), Buffer.from('{"resource":{}}'));
    await expect(fetchArtifact(store, 'network', '1.2.0')).rejects.toThrow(/file environments\/prod\/cdk\.tf\.json does not match the manifest/);
    await expect(fetchArtifact(store, 'network', '1.2.0')).rejects.toBeInstanceOf(TamperedArtifactError);
  });

  it('names the published versions when asked for an unknown one', async () => {
    const store = openStore();
    await publishArtifact(store, artifact);
    await expect(fetchArtifact(store, 'network', '9.9.9')).rejects.toThrow(UnknownVersionError);
    await expect(fetchArtifact(store, 'network', '9.9.9')).rejects.toThrow(/published versions: 1\.2\.0/);
  });

  it('lets exactly one of two concurrent publishes of a version win, and stays consistent', async () => {
    const store = openStore();
    const other = variant(artifact);
    const results = await Promise.allSettled([publishArtifact(store, artifact), publishArtifact(store, other)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([expect.any(ImmutableVersionError)]);
    const winner = results[0]!.status === 'fulfilled' ? artifact : other;
    expect((await fetchArtifact(store, 'network', '1.2.0')).manifest.files).toEqual(winner.manifest.files);
  });

  it('shows no version when the store fails mid-publish, and a retry completes it', async () => {
    const store = openStore();
    await expect(publishArtifact(failingAfter(store, 2), artifact)).rejects.toThrow(/simulated store outage/);
    expect(await listVersions(store, 'network')).toEqual([]);
    await expect(fetchArtifact(store, 'network', '1.2.0')).rejects.toThrow(UnknownVersionError);
    expect(await publishArtifact(store, artifact)).toMatchObject({ status: 'published' });
    expect((await fetchArtifact(store, 'network', '1.2.0')).files.size).toBe(4);
  });
});
