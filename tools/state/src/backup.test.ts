import { LocalDirectoryStore, type ObjectStore } from '@platform/store';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupEnvironmentState, listStateSnapshots, readStateSnapshot, sha256Of, snapshotManifestKey, type StateSnapshot } from './backup';
import { lockInfo, scratchSpace, STACKS, tfstate, type TestWorkspace } from './__fixtures__/state';

const scratch = scratchSpace();
let workspace: TestWorkspace;
let state: LocalDirectoryStore;
let backup: LocalDirectoryStore;
let lines: string[];

beforeEach(() => {
  ({ workspace, state, backup } = scratch.fresh('state-backup-stores'));
  lines = [];
});

const at = (iso: string) => () => new Date(iso);
const text = (bytes: Uint8Array | undefined) => (bytes === undefined ? undefined : Buffer.from(bytes).toString('utf8'));

function backUp(options: { environment?: string; stacks?: readonly string[]; now?: () => Date; backup?: ObjectStore } = {}): Promise<StateSnapshot> {
  return backupEnvironmentState({
    workspaceRoot: workspace.root,
    environment: options.environment ?? 's3-env',
    stacks: options.stacks ?? STACKS,
    state,
    backup: options.backup ?? backup,
    ...(options.now ? { now: options.now } : {}),
    log: (line) => lines.push(line),
  });
}

describe('backupEnvironmentState', () => {
  it('copies every state into the snapshot and records its key, checksum, size, serial and lineage', async () => {
    const app = tfstate(7, 'lineage-app');
    const base = tfstate(3, 'lineage-base');
    await state.put('stacks/app/terraform.tfstate', app);
    await state.put('stacks/base/terraform.tfstate', base);
    await state.put('stacks/edge/terraform.tfstate', tfstate(1, 'lineage-edge'));

    const snapshot = await backUp({ now: at('2026-11-22T05:15:00.123Z') });

    expect(snapshot).toMatchObject({ schemaVersion: 1, environment: 's3-env', takenAt: '2026-11-22T05:15:00.123Z' });
    expect(snapshot.id).toMatch(/^20261122T051500Z-[0-9a-f]{4}$/);
    expect(snapshot.stacks.app).toEqual({ key: 'stacks/app/terraform.tfstate', sha256: sha256Of(app), size: app.byteLength, serial: 7, lineage: 'lineage-app' });
    expect(snapshot.stacks.base).toMatchObject({ serial: 3, lineage: 'lineage-base' });
    expect(await backup.get(`state-snapshots/s3-env/${snapshot.id}/app.tfstate`)).toEqual(app);
    expect(await backup.get(`state-snapshots/s3-env/${snapshot.id}/base.tfstate`)).toEqual(base);
    expect(JSON.parse(text(await backup.get(snapshotManifestKey('s3-env', snapshot.id)))!)).toEqual(snapshot);
  });

  it('records a stack without a state object as absent, which is no error', async () => {
    await state.put('stacks/app/terraform.tfstate', tfstate(2, 'lineage-app'));

    const snapshot = await backUp();

    expect(snapshot.stacks.base).toEqual({ key: 'stacks/base/terraform.tfstate', absent: true });
    expect(snapshot.stacks.edge).toEqual({ key: 'stacks/edge/terraform.tfstate', absent: true });
    expect(await backup.list(`state-snapshots/s3-env/${snapshot.id}/`)).toEqual([
      `state-snapshots/s3-env/${snapshot.id}/app.tfstate`,
      `state-snapshots/s3-env/${snapshot.id}/manifest.json`,
    ]);
    expect(lines).toContain('base: no state at stacks/base/terraform.tfstate (recorded as absent)');
  });

  it("reads each stack at the key of the environment's backend and prefix", async () => {
    await state.put('tf/app/default.tfstate', tfstate(4, 'gcs-lineage'));
    await state.put('other/app/terraform.tfstate', tfstate(5, 'other-lineage'));

    const gcs = await backUp({ environment: 'gcs-env', stacks: ['app'] });
    const other = await backUp({ environment: 'other-env', stacks: ['app'] });

    expect(gcs.stacks.app).toMatchObject({ key: 'tf/app/default.tfstate', serial: 4 });
    expect(other.stacks.app).toMatchObject({ key: 'other/app/terraform.tfstate', serial: 5 });
  });

  it('refuses a state that is not valid JSON, naming its key, and leaves no snapshot behind', async () => {
    await state.put('stacks/app/terraform.tfstate', tfstate(1, 'lineage-app'));
    await state.put('stacks/base/terraform.tfstate', new TextEncoder().encode('{"version": 4, "serial": 2,'));

    await expect(backUp()).rejects.toThrow(/state object file:\/\/.*\/stacks\/base\/terraform\.tfstate is not valid JSON/);

    expect(await backup.list('')).toEqual([]);
  });

  it('refuses JSON that is not an engine state, naming the key and the missing field', async () => {
    await state.put('stacks/app/terraform.tfstate', new TextEncoder().encode('{"version": 4, "serial": 2}'));

    await expect(backUp({ stacks: ['app'] })).rejects.toThrow(/stacks\/app\/terraform\.tfstate is not an engine state: key 'lineage' must be a non-empty string/);
  });

  it('notes a stack whose state is locked by a running engine, and still takes its state', async () => {
    await state.put('stacks/app/terraform.tfstate', tfstate(1, 'lineage-app'));
    await state.put('stacks/app/terraform.tfstate.tflock', lockInfo('fixture-state/stacks/app/terraform.tfstate'));

    const snapshot = await backUp({ stacks: ['app'] });

    expect(snapshot.stacks.app).toMatchObject({ serial: 1 });
    expect(lines).toContain('app: locked by a running engine; the snapshot holds the state as it was last written');
  });

  it('never overwrites an existing snapshot object', async () => {
    await state.put('stacks/app/terraform.tfstate', tfstate(1, 'lineage-app'));
    const taken: ObjectStore = { location: 'mem://taken', put: async () => ({ written: false }), get: async () => undefined, list: async () => [] };

    await expect(backUp({ stacks: ['app'], backup: taken })).rejects.toThrow(/mem:\/\/taken\/state-snapshots\/s3-env\/.*\/app\.tfstate already exists: snapshots are never overwritten/);
  });

  it.each([
    [{ environment: 'Not_An_Env' }, /environment name 'Not_An_Env' must be/],
    [{ environment: 'missing-env' }, /missing-env/],
    [{ stacks: [] }, /no stacks to back up/],
    [{ stacks: ['../escape'] }, /stack name '\.\.\/escape' is not valid/],
  ])('refuses %j', async (options, message) => {
    await expect(backUp(options)).rejects.toThrow(message);
  });
});

describe('listStateSnapshots', () => {
  it('lists the complete snapshots of one environment, oldest first', async () => {
    await state.put('stacks/app/terraform.tfstate', tfstate(1, 'lineage-app'));
    const second = await backUp({ stacks: ['app'], now: at('2026-11-23T00:00:00Z') });
    const first = await backUp({ stacks: ['app'], now: at('2026-11-22T00:00:00Z') });
    await state.put('other/app/terraform.tfstate', tfstate(1, 'lineage-other'));
    await backUp({ environment: 'other-env', stacks: ['app'] });

    expect((await listStateSnapshots(backup, 's3-env')).map((s) => s.id)).toEqual([first.id, second.id]);
  });

  it('does not see a snapshot whose manifest was never written', async () => {
    await state.put('stacks/app/terraform.tfstate', tfstate(1, 'lineage-app'));
    const complete = await backUp({ stacks: ['app'], now: at('2026-11-22T00:00:00Z') });
    // What a backup interrupted before its commit point leaves.
    await backup.put('state-snapshots/s3-env/20261124T000000Z-dead/app.tfstate', tfstate(9, 'lineage-app'));

    expect((await listStateSnapshots(backup, 's3-env')).map((s) => s.id)).toEqual([complete.id]);
    await expect(readStateSnapshot(backup, 's3-env', '20261124T000000Z-dead')).rejects.toThrow(/no snapshot '20261124T000000Z-dead' of environment 's3-env'/);
  });

  it('lists nothing for an environment without snapshots', async () => {
    expect(await listStateSnapshots(backup, 's3-env')).toEqual([]);
  });
});

describe('readStateSnapshot', () => {
  const ID = '20261122T051500Z-3f9a';
  const valid = {
    schemaVersion: 1,
    id: ID,
    environment: 's3-env',
    takenAt: '2026-11-22T05:15:00.000Z',
    stacks: {
      app: { key: 'stacks/app/terraform.tfstate', sha256: 'a'.repeat(64), size: 10, serial: 1, lineage: 'l' },
      base: { key: 'stacks/base/terraform.tfstate', absent: true },
    },
  };
  const write = (manifest: unknown) => backup.put(snapshotManifestKey('s3-env', ID), new TextEncoder().encode(typeof manifest === 'string' ? manifest : JSON.stringify(manifest)));

  it('returns a valid manifest', async () => {
    await write(valid);

    expect(await readStateSnapshot(backup, 's3-env', ID)).toEqual(valid);
  });

  it.each([
    ['a sha256 that is not hex', { stacks: { app: { ...valid.stacks.app, sha256: 'xyz' } } }, /key 'stacks\.app\.sha256' must be a sha256/],
    ['a missing serial', { stacks: { app: { key: 'k/terraform.tfstate', sha256: 'a'.repeat(64), size: 1, lineage: 'l' } } }, /key 'stacks\.app\.serial' must be the state serial/],
    ['absent given as a string', { stacks: { app: { key: 'k', absent: 'yes' } } }, /key 'stacks\.app\.absent' must be true for a stack without state/],
    ['an unsafe key', { stacks: { app: { key: '../../etc/passwd', absent: true } } }, /key 'stacks\.app\.key' must be a relative slash-separated object key/],
    ['another schema version', { schemaVersion: 2 }, /key 'schemaVersion' must be 1/],
    ['an unknown field', { extra: true }, /key 'extra' is not a known setting/],
    ['a takenAt that is no date', { takenAt: 'yesterday' }, /key 'takenAt' must be an ISO date-time/],
    ['the id of another snapshot', { id: '20261122T051500Z-0000' }, /key 'id' must be '20261122T051500Z-3f9a', the folder it is in/],
    ['another environment', { environment: 'prod' }, /key 'environment' must be 's3-env'/],
  ])('refuses a manifest with %s, naming the key and the rule', async (_case, change, message) => {
    await write({ ...valid, ...change });

    const error = await readStateSnapshot(backup, 's3-env', ID).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(`state-snapshots/s3-env/${ID}/manifest.json`);
  });

  it('refuses a manifest that is not JSON, naming it', async () => {
    await write('{ not json');

    await expect(readStateSnapshot(backup, 's3-env', ID)).rejects.toThrow(/manifest\.json: is not valid JSON/);
  });

  it('refuses an id that is not a snapshot id before reading anything', async () => {
    await expect(readStateSnapshot(backup, 's3-env', '../other')).rejects.toThrow(/'\.\.\/other' is not a snapshot id/);
  });
});
