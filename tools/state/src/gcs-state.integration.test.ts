import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, loadEnvironment } from '@platform/config';
import { ensureGcsServer, readPinnedVersions, startGcsServer, type RunningGcsServer } from '@platform/engine';
import { GcsStore, type ObjectStore } from '@platform/store';
import { backupEnvironmentState, isAbsent, type SnapshotState } from './backup';
import { restoreEnvironmentState, verifyRestoredState } from './restore';
import { openStateStore } from './state-store';
import { lockInfo, makeWorkspace, tfstate, type TestWorkspace } from './__fixtures__/state';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const ENVIRONMENT = 'gcs-emulated';
const STATE_BUCKET = 'fixture-gcs-state';
const BACKUP_BUCKET = 'fixture-gcs-backups';
const APP = 'emulated/app/default.tfstate';
const BASE = 'emulated/base/default.tfstate';
const log = () => {};

/*
 * State backup and restore of a gcs-backed environment through the native client, against
 * fake-gcs-server: object generations recorded, the lock honoured, no concurrent write lost.
 */
describe('state backup and restore of a gcs-backed environment', () => {
  let server: RunningGcsServer;
  let workspace: TestWorkspace;
  let state: GcsStore;
  let backup: GcsStore;

  beforeAll(async () => {
    const { binary } = await ensureGcsServer({ versions: readPinnedVersions(WORKSPACE), log });
    server = await startGcsServer({ binary, buckets: [STATE_BUCKET, BACKUP_BUCKET] });
    workspace = makeWorkspace();
    state = openStateStore(loadEnvironment(workspace.root, ENVIRONMENT), { PLATFORM_STATE_ENDPOINT: server.jsonApiUrl }) as GcsStore;
    backup = new GcsStore({ bucket: BACKUP_BUCKET, prefix: 'platform', apiEndpoint: server.endpoint });
  }, 600_000);

  afterAll(async () => {
    await server?.stop();
    workspace?.remove();
  });

  const snapshot = () => backupEnvironmentState({ workspaceRoot: workspace.root, environment: ENVIRONMENT, stacks: ['app', 'base', 'edge'], state, backup, log });
  const restore = (id: string, store: ObjectStore = state) => restoreEnvironmentState({ environment: ENVIRONMENT, stateConfig: loadEnvironment(workspace.root, ENVIRONMENT).state, snapshotId: id, state: store, backup, log });

  it('opens the state bucket natively at the endpoint known at run time', () => {
    expect(state).toBeInstanceOf(GcsStore);
    expect(state.location).toBe(`gs://${STATE_BUCKET}`);
  });

  it('records the generation of every state object it snapshots', async () => {
    await state.put(APP, tfstate(4, 'lineage-app'));
    await state.put(BASE, tfstate(9, 'lineage-base'));
    const taken = await snapshot();
    for (const [stack, key] of [['app', APP], ['base', BASE]] as const) {
      const entry = taken.stacks[stack] as SnapshotState;
      expect(entry.generation, stack).toBe((await state.getWithGeneration(key))!.generation);
    }
    expect(isAbsent(taken.stacks.edge!)).toBe(true);
  });

  it('refuses to restore while a lock object exists, naming its holder, and writes nothing', async () => {
    const taken = await snapshot();
    await state.put(APP, tfstate(5, 'lineage-app'));
    const lockKey = 'emulated/app/default.tflock';
    await state.put(lockKey, lockInfo(`gs://${STATE_BUCKET}/${lockKey}`), { ifAbsent: true });
    try {
      await expect(restore(taken.id)).rejects.toThrow(new RegExp(`gs://${STATE_BUCKET}/emulated/app/default\\.tflock \\(held by ci@runner-7 for OperationTypeApply.*nothing was restored`));
      expect(Buffer.from((await state.get(APP))!).toString()).toContain('"serial": 5');
    } finally {
      await state.delete(lockKey);
    }
  });

  it('puts the snapshot back over the current generation, and verifies it', async () => {
    const taken = await snapshot();
    await state.put(APP, tfstate(6, 'lineage-app'));
    await state.delete(BASE);
    const result = await restore(taken.id);
    expect(result.stacks.map((s) => [s.stack, s.action])).toEqual([
      ['app', 'written'],
      ['base', 'written'],
      ['edge', 'absent'],
    ]);
    expect(await verifyRestoredState({ snapshot: taken, state })).toEqual({ ok: true, mismatches: [] });
  });

  it('never overwrites a state that another run wrote between the read and the write of the restore', async () => {
    const taken = await snapshot();
    await state.put(APP, tfstate(7, 'lineage-app'));
    const other = new GcsStore({ bucket: STATE_BUCKET, apiEndpoint: server.endpoint });
    // The other run's apply lands right after the restore read the generation it will write over.
    const racing: ObjectStore = {
      location: state.location,
      put: (key, body, options) => state.put(key, body, options),
      get: (key) => state.get(key),
      list: (prefix) => state.list(prefix),
      delete: (key) => state.delete(key),
      getWithGeneration: async (key) => {
        const read = await state.getWithGeneration(key);
        if (key === APP) await other.put(APP, tfstate(8, 'lineage-app'));
        return read;
      },
      putIfGeneration: (key, body, generation) => state.putIfGeneration(key, body, generation),
    };
    await expect(restore(taken.id, racing)).rejects.toThrow(/emulated\/app\/default\.tfstate was written by another run while it was being restored/);
    expect(Buffer.from((await state.get(APP))!).toString(), "the other run's state is kept").toContain('"serial": 8');
  });
});
