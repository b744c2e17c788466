import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  ListObjectVersionsCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { findWorkspaceRoot, loadEnvironment } from '@platform/config';
import { ensureS3Server, readPinnedVersions, s3ClientFor, startS3Server, type RunningS3Server } from '@platform/engine';
import { S3Store } from '@platform/store';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerStateCommands } from './state';
import { backupEnvironmentState, listStateSnapshots, openStateStore, restoreEnvironmentState, sha256Of, snapshotObjectKey, verifyRestoredState } from '@platform/state';
import { lockInfo, makeWorkspace, STACKS, tfstate, type TestWorkspace } from '@platform/state/testing';

const REPOSITORY = findWorkspaceRoot(import.meta.dirname);
/** The state bucket of the fixture environments (see __fixtures__/state.ts): unversioned, as OpenTofu's lock needs on this server. */
const STATE_BUCKET = 'fixture-state';
const BACKUP_BUCKET = 'state-backups';
const APP = 'stacks/app/terraform.tfstate';
const BASE = 'stacks/base/terraform.tfstate';
const EDGE = 'stacks/edge/terraform.tfstate';

/**
 * The local S3 server with the state bucket unversioned (versitygw 1.8.0 refuses to take a deleted
 * lock key again in a versioned bucket, see docs/engine.md) and the backup bucket versioned.
 */
describe('state backup and restore against the local S3 server', () => {
  let server: RunningS3Server;
  let s3: S3Client;
  let workspace: TestWorkspace;
  let env: NodeJS.ProcessEnv;
  const saved = { ...process.env };
  const lines: string[] = [];
  const log = (line: string) => lines.push(line);

  beforeAll(async () => {
    // The first run on a machine builds the server from the Go module proxy (minutes); later runs reuse the cache.
    const { binary } = await ensureS3Server({ versions: readPinnedVersions(REPOSITORY), log: (line) => console.log(line) });
    server = await startS3Server({ binary, buckets: [BACKUP_BUCKET], versioned: true });
    s3 = s3ClientFor(server);
    // Created without versioning: buckets are unversioned until versioning is turned on.
    await s3.send(new CreateBucketCommand({ Bucket: STATE_BUCKET }));
    workspace = makeWorkspace();
    const keys = { AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey };
    env = { PLATFORM_STATE_ENDPOINT: server.endpoint, PLATFORM_STORE_ENDPOINT: server.endpoint, ...keys };
    // openStore's client takes credentials from the SDK's chain, which reads the process environment.
    Object.assign(process.env, keys);
  }, 900_000);

  afterAll(async () => {
    process.env = saved;
    s3?.destroy();
    await server?.stop();
    workspace?.remove();
  });

  const putState = (Key: string, body: Uint8Array) => s3.send(new PutObjectCommand({ Bucket: STATE_BUCKET, Key, Body: body }));
  const readState = async (Key: string): Promise<Uint8Array | undefined> => {
    try {
      return await (await s3.send(new GetObjectCommand({ Bucket: STATE_BUCKET, Key }))).Body!.transformToByteArray();
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw error;
    }
  };

  it('keeps the state bucket unversioned and the backup bucket versioned', async () => {
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: STATE_BUCKET }))).Status).toBeUndefined();
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: BACKUP_BUCKET }))).Status).toBe('Enabled');
  });

  it('backs up, refuses while locked and a tampered snapshot, then restores overwritten, lost and extra states', async () => {
    const state = openStateStore(loadEnvironment(workspace.root, 's3-env'), env) as S3Store;
    const backup = new S3Store({ client: s3ClientFor(server), bucket: BACKUP_BUCKET, prefix: 'library' });
    try {
      // Given app and base applied, edge never applied.
      const app = tfstate(12, '8d3c1e7a-app', 'bright-otter');
      const base = tfstate(30, '1f0b9a42-base', 'calm-heron');
      await putState(APP, app);
      await putState(BASE, base);

      const snapshot = await backupEnvironmentState({ workspaceRoot: workspace.root, environment: 's3-env', stacks: STACKS, state, backup, log });

      expect(snapshot.stacks).toEqual({
        app: { key: APP, sha256: sha256Of(app), size: app.byteLength, serial: 12, lineage: '8d3c1e7a-app' },
        base: { key: BASE, sha256: sha256Of(base), size: base.byteLength, serial: 30, lineage: '1f0b9a42-base' },
        edge: { key: EDGE, absent: true },
      });
      expect((await listStateSnapshots(backup, 's3-env')).map((s) => s.id)).toEqual([snapshot.id]);

      // When app is overwritten by a bad apply, base's state is lost and edge gets a state after the snapshot.
      await putState(APP, tfstate(13, '8d3c1e7a-app', 'wrong-otter'));
      await s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: BASE }));
      await putState(EDGE, tfstate(1, '77aa01ff-edge'));
      expect((await verifyRestoredState({ snapshot, state })).mismatches.map((m) => m.stack)).toEqual(['app', 'base', 'edge']);

      // A held lock refuses the restore, and nothing is written.
      await putState(`${APP}.tflock`, lockInfo(`${STATE_BUCKET}/${APP}`));
      await expect(restoreEnvironmentState({ environment: 's3-env', stateConfig: loadEnvironment(workspace.root, 's3-env').state, snapshotId: snapshot.id, state, backup, log })).rejects.toThrow(
        /state is locked by a running engine; see docs\/runbooks\/stuck-state-lock\.md: s3:\/\/fixture-state\/stacks\/app\/terraform\.tfstate\.tflock/,
      );
      expect(await readState(APP)).toEqual(tfstate(13, '8d3c1e7a-app', 'wrong-otter'));
      await s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: `${APP}.tflock` }));

      // A snapshot object changed after the backup is refused, and nothing is written.
      const objectKey = `library/${snapshotObjectKey('s3-env', snapshot.id, 'base')}`;
      await s3.send(new PutObjectCommand({ Bucket: BACKUP_BUCKET, Key: objectKey, Body: tfstate(30, '1f0b9a42-base', 'forged-heron') }));
      await expect(restoreEnvironmentState({ environment: 's3-env', stateConfig: loadEnvironment(workspace.root, 's3-env').state, snapshotId: snapshot.id, state, backup, log })).rejects.toThrow(
        /base\.tfstate does not match the snapshot's manifest/,
      );
      expect(await readState(BASE)).toBeUndefined();
      expect(await readState(EDGE)).toBeDefined();
      // The versioned backup bucket still holds the original bytes: put them back as the latest version.
      const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: BACKUP_BUCKET, Prefix: objectKey }));
      const original = versions.Versions!.find((v) => !v.IsLatest)!;
      const originalBytes = await (await s3.send(new GetObjectCommand({ Bucket: BACKUP_BUCKET, Key: objectKey, VersionId: original.VersionId }))).Body!.transformToByteArray();
      await s3.send(new PutObjectCommand({ Bucket: BACKUP_BUCKET, Key: objectKey, Body: originalBytes }));

      const result = await restoreEnvironmentState({ environment: 's3-env', stateConfig: loadEnvironment(workspace.root, 's3-env').state, snapshotId: snapshot.id, state, backup, log });

      expect(result.stacks.map((s) => [s.stack, s.action])).toEqual([
        ['app', 'written'],
        ['base', 'written'],
        ['edge', 'deleted'],
      ]);
      expect(await readState(APP)).toEqual(app);
      expect(await readState(BASE)).toEqual(base);
      expect(await readState(EDGE)).toBeUndefined();
      expect(await verifyRestoredState({ snapshot, state })).toEqual({ ok: true, mismatches: [] });
      // The engine can take the lock again after the restore (the state bucket is unversioned).
      await putState(`${APP}.tflock`, lockInfo(`${STATE_BUCKET}/${APP}`));
      await s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: `${APP}.tflock` }));
      expect((await state.put(`${APP}.tflock`, lockInfo(`${STATE_BUCKET}/${APP}`), { ifAbsent: true })).written).toBe(true);
      await state.delete(`${APP}.tflock`);
    } finally {
      state.destroy();
      backup.destroy();
    }
  });

  it('runs state-backup, state-snapshots and state-restore as commands with an s3:// backup store', async () => {
    const printed: string[] = [];
    const run = (args: string[]) =>
      registerStateCommands(new Command('platform').exitOverride(), { workspaceRoot: workspace.root, env, print: (line) => printed.push(line) }).parseAsync(args, {
        from: 'user',
      });
    const store = `s3://${BACKUP_BUCKET}/cli`;
    const app = tfstate(40, 'c0ffee00-app', 'quiet-lynx');
    await putState(APP, app);
    await putState(BASE, tfstate(41, 'c0ffee00-base'));
    await s3.send(new DeleteObjectCommand({ Bucket: STATE_BUCKET, Key: EDGE }));

    await run(['state-backup', '--env', 's3-env', '--to', store]);
    const id = /^snapshot (\S+) of s3-env: 2 state\(s\), 1 absent, in s3:\/\/state-backups\/cli$/.exec(printed.at(-1)!)?.[1];
    expect(id, printed.join('\n')).toBeDefined();

    printed.length = 0;
    await run(['state-snapshots', '--env', 's3-env', '--from', store]);
    expect(printed).toEqual([expect.stringMatching(new RegExp(`^${id}  \\S+  2 state\\(s\\), 1 absent$`))]);

    await putState(APP, tfstate(41, 'c0ffee00-app', 'broken-lynx'));
    printed.length = 0;
    await run(['state-restore', '--env', 's3-env', '--snapshot', id!, '--stack', 'app', '--from', store]);

    expect(await readState(APP)).toEqual(app);
    expect(printed).toEqual([
      `app: restored ${APP} (serial 40, lineage c0ffee00-app)`,
      `restored 1 stack(s) of s3-env from snapshot ${id}; verified against its manifest`,
      'next: plan each stack and expect no changes, e.g. npx nx run app:plan:s3-env',
    ]);
  });
});
