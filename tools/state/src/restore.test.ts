import { loadEnvironment } from '@platform/config';
import { LocalDirectoryStore, type ObjectStore } from '@platform/store';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupEnvironmentState, sha256Of, snapshotManifestKey, snapshotObjectKey, type StateSnapshot } from './backup';
import { restoreEnvironmentState, verifyRestoredState } from './restore';
import { lockInfo, scratchSpace, STACKS, tfstate, type TestWorkspace } from './__fixtures__/state';

const scratch = scratchSpace();
let workspace: TestWorkspace;
let state: LocalDirectoryStore;
let backup: LocalDirectoryStore;
let lines: string[];
const log = (line: string) => lines.push(line);

const APP = 'stacks/app/terraform.tfstate';
const BASE = 'stacks/base/terraform.tfstate';
const EDGE = 'stacks/edge/terraform.tfstate';

beforeEach(() => {
  ({ workspace, state, backup } = scratch.fresh('state-restore'));
  lines = [];
});

/** Given app and base applied (edge never was), a snapshot of them. */
async function snapshotOfAppAndBase(): Promise<StateSnapshot> {
  await state.put(APP, tfstate(4, 'lineage-app'));
  await state.put(BASE, tfstate(9, 'lineage-base'));
  return backupEnvironmentState({ workspaceRoot: workspace.root, environment: 's3-env', stacks: STACKS, state, backup, log });
}

/** Every object of a store with its bytes, to show that nothing changed. */
async function contents(store: ObjectStore): Promise<Record<string, string>> {
  const all: Record<string, string> = {};
  for (const key of await store.list('')) all[key] = sha256Of((await store.get(key))!);
  return all;
}

const restore = (snapshot: StateSnapshot, options: { stacks?: readonly string[]; state?: ObjectStore } = {}) =>
  restoreEnvironmentState({ environment: 's3-env', stateConfig: loadEnvironment(workspace.root, 's3-env').state, snapshotId: snapshot.id, state: options.state ?? state, backup, log, ...(options.stacks ? { stacks: options.stacks } : {}) });

describe('restoreEnvironmentState', () => {
  it('puts back states that were overwritten or lost, byte for byte', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(APP, tfstate(5, 'lineage-app', 'changed-after-the-snapshot'));
    await state.delete(BASE);

    const result = await restore(snapshot);

    expect(await state.get(APP)).toEqual(tfstate(4, 'lineage-app'));
    expect(await state.get(BASE)).toEqual(tfstate(9, 'lineage-base'));
    expect(result.stacks).toEqual([
      { stack: 'app', key: APP, action: 'written', serial: 4 },
      { stack: 'base', key: BASE, action: 'written', serial: 9 },
      { stack: 'edge', key: EDGE, action: 'absent' },
    ]);
    expect(await verifyRestoredState({ snapshot, state })).toEqual({ ok: true, mismatches: [] });
  });

  it('deletes the state of a stack that the snapshot records as absent', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(EDGE, tfstate(1, 'lineage-edge'));

    const result = await restore(snapshot);

    expect(await state.get(EDGE)).toBeUndefined();
    expect(result.stacks.find((s) => s.stack === 'edge')).toEqual({ stack: 'edge', key: EDGE, action: 'deleted' });
    expect(lines).toContain(`edge: deleted ${EDGE}`);
  });

  it('restores only the stacks named, leaving the others as they are', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(APP, tfstate(5, 'lineage-app', 'newer'));
    await state.put(BASE, tfstate(10, 'lineage-base', 'newer'));

    await restore(snapshot, { stacks: ['base'] });

    expect(await state.get(BASE)).toEqual(tfstate(9, 'lineage-base'));
    expect(await state.get(APP)).toEqual(tfstate(5, 'lineage-app', 'newer'));
    expect((await verifyRestoredState({ snapshot, state, stacks: ['base'] })).ok).toBe(true);
  });

  it('refuses a tampered snapshot, naming the object, and writes nothing', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(APP, tfstate(5, 'lineage-app', 'current'));
    await state.delete(BASE);
    const tampered = tfstate(9, 'lineage-base', 'evil');
    await backup.put(snapshotObjectKey('s3-env', snapshot.id, 'base'), tampered);
    const before = await contents(state);

    await expect(restore(snapshot)).rejects.toThrow(
      new RegExp(`state-snapshots/s3-env/${snapshot.id}/base\\.tfstate does not match the snapshot's manifest .*nothing was restored`),
    );

    expect(await contents(state)).toEqual(before);
  });

  it("refuses a manifest whose key names another environment's state, and writes nothing there or anywhere", async () => {
    const snapshot = await snapshotOfAppAndBase();
    // other-env shares the bucket under the prefix 'other': a forged manifest points app at its state.
    const victim = 'other/app/terraform.tfstate';
    await state.put(victim, tfstate(40, 'lineage-other-app', 'other-environment'));
    const manifestKey = snapshotManifestKey('s3-env', snapshot.id);
    const forged = JSON.parse(Buffer.from((await backup.get(manifestKey))!).toString('utf8')) as StateSnapshot;
    await backup.put(manifestKey, Buffer.from(JSON.stringify({ ...forged, stacks: { ...forged.stacks, app: { ...forged.stacks.app, key: victim } } })));
    const before = await contents(state);

    await expect(restore(snapshot)).rejects.toThrow(
      `key 'stacks.app.key' is '${victim}', but s3-env keeps the state of app at 'stacks/app/terraform.tfstate' (environments/s3-env/environment.yaml)`,
    );

    expect(await contents(state)).toEqual(before);
  });

  it('refuses a snapshot with an object missing and writes nothing', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(APP, tfstate(5, 'lineage-app', 'current'));
    await backup.delete(snapshotObjectKey('s3-env', snapshot.id, 'base'));
    const before = await contents(state);

    await expect(restore(snapshot)).rejects.toThrow(new RegExp(`snapshot ${snapshot.id} is incomplete: .*base\\.tfstate is missing`));

    expect(await contents(state)).toEqual(before);
  });

  it('refuses while an engine holds the lock of a stack being restored, naming the lock, and writes nothing', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(APP, tfstate(5, 'lineage-app', 'current'));
    await state.put(`${BASE}.tflock`, lockInfo(`fixture-state/${BASE}`));
    const before = await contents(state);

    const error = await restore(snapshot).catch((e: Error) => e);

    expect((error as Error).message).toMatch(/state is locked by a running engine; see docs\/runbooks\/stuck-state-lock\.md/);
    expect((error as Error).message).toMatch(/stacks\/base\/terraform\.tfstate\.tflock \(held by ci@runner-7 for OperationTypeApply since 2026-11-22T05:10:00Z, lock ID [0-9a-f-]{36}\)/);
    expect(await contents(state)).toEqual(before);
  });

  it('ignores the lock of a stack that is not being restored', async () => {
    const snapshot = await snapshotOfAppAndBase();
    await state.put(`${BASE}.tflock`, lockInfo(`fixture-state/${BASE}`));
    await state.put(APP, tfstate(5, 'lineage-app', 'current'));

    await restore(snapshot, { stacks: ['app'] });

    expect(await state.get(APP)).toEqual(tfstate(4, 'lineage-app'));
  });

  it('refuses the GCS lock object (default.tflock) of a GCS-backed environment', async () => {
    await state.put('tf/app/default.tfstate', tfstate(2, 'lineage-gcs'));
    const snapshot = await backupEnvironmentState({ workspaceRoot: workspace.root, environment: 'gcs-env', stacks: ['app'], state, backup, log });
    await state.put('tf/app/default.tflock', lockInfo('tf/app/default.tfstate'));

    await expect(restoreEnvironmentState({ environment: 'gcs-env', stateConfig: loadEnvironment(workspace.root, 'gcs-env').state, snapshotId: snapshot.id, state, backup, log })).rejects.toThrow(
      /state is locked by a running engine.*tf\/app\/default\.tflock/,
    );
  });

  it('refuses a stack the snapshot does not hold, naming those it does', async () => {
    const snapshot = await snapshotOfAppAndBase();

    await expect(restore(snapshot, { stacks: ['app', 'database'] })).rejects.toThrow(/holds no stack 'database' \(it holds: app, base, edge\)/);
  });

  it('refuses to restore an absent stack into a store that cannot delete', async () => {
    const snapshot = await snapshotOfAppAndBase();
    const addOnly: ObjectStore = { location: state.location, put: (k, b, o) => state.put(k, b, o), get: (k) => state.get(k), list: (p) => state.list(p) };

    await expect(restore(snapshot, { state: addOnly })).rejects.toThrow(/cannot delete objects.*nothing was restored/);
    await expect(restore(snapshot, { state: addOnly, stacks: ['app'] })).resolves.toMatchObject({ stacks: [{ stack: 'app', action: 'written' }] });
  });

  it('names the stacks already done when a write fails part-way', async () => {
    const snapshot = await snapshotOfAppAndBase();
    const failing: ObjectStore = {
      location: state.location,
      get: (k) => state.get(k),
      list: (p) => state.list(p),
      delete: (k) => state.delete(k),
      put: async (k, b, o) => {
        if (k === BASE) throw new Error('disk full');
        return state.put(k, b, o);
      },
    };

    await expect(restore(snapshot, { state: failing })).rejects.toThrow(/stopped \(stacks done: app\): disk full; run the restore again/);
  });
});

describe('verifyRestoredState', () => {
  it('reports each stack whose state differs from the snapshot', async () => {
    const snapshot = await snapshotOfAppAndBase();
    const changed = tfstate(5, 'lineage-app', 'changed');
    await state.put(APP, changed);
    await state.delete(BASE);
    await state.put(EDGE, tfstate(1, 'lineage-edge'));

    const result = await verifyRestoredState({ snapshot, state });

    expect(result.ok).toBe(false);
    expect(result.mismatches).toEqual([
      { stack: 'app', key: APP, expected: sha256Of(tfstate(4, 'lineage-app')), actual: sha256Of(changed) },
      { stack: 'base', key: BASE, expected: sha256Of(tfstate(9, 'lineage-base')), actual: 'absent' },
      { stack: 'edge', key: EDGE, expected: 'absent', actual: sha256Of(tfstate(1, 'lineage-edge')) },
    ]);
  });
});
