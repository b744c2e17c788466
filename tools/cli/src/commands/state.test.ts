import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { LocalDirectoryStore } from '@platform/store';
import { Command } from 'commander';
import { beforeEach, describe, expect, it } from 'vitest';
import { backupEnvironmentState } from '@platform/state';
import { loadEnvironment } from '@platform/config';
import { DEFAULT_STATE_BACKUP_DIR, registerStateCommands } from './state';
import { StateCommandRuntime } from './state-stores';
import { scratchSpace, tfstate, type TestWorkspace } from '@platform/state/testing';

const scratch = scratchSpace();
let workspace: TestWorkspace;
let printed: string[];

beforeEach(() => {
  workspace = scratch.workspace();
  printed = [];
});

/** Runs the commands as `platform <args>` would, with the given environment variables. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Command> {
  const program = new Command('platform').exitOverride().configureOutput({ writeOut: (s) => printed.push(s), writeErr: (s) => printed.push(s) });
  registerStateCommands(program, { workspaceRoot: workspace.root, env, print: (line) => printed.push(line) });
  return program.parseAsync(args, { from: 'user' });
}

/** A snapshot of s3-env in a local backup directory, taken directly (the state store is local here). */
async function snapshotIn(dir: string, now: string): Promise<string> {
  const state = new LocalDirectoryStore(join(dir, '..', 'state'));
  await state.put('stacks/app/terraform.tfstate', tfstate(3, 'lineage-app'));
  const snapshot = await backupEnvironmentState({
    workspaceRoot: workspace.root,
    environment: 's3-env',
    stacks: ['app', 'base'],
    state,
    backup: new LocalDirectoryStore(dir),
    now: () => new Date(now),
    log: () => {},
  });
  return snapshot.id;
}

function freshDir(): string {
  return join(scratch.fresh('state-commands').dir, 'backups');
}

describe('state-snapshots', () => {
  it('lists the snapshots of the store given with --from, oldest first', async () => {
    const dir = freshDir();
    const older = await snapshotIn(dir, '2026-11-20T10:00:00Z');
    const newer = await snapshotIn(dir, '2026-11-21T10:00:00Z');

    await run(['state-snapshots', '--env', 's3-env', '--from', dir]);

    expect(printed).toEqual([`${older}  2026-11-20T10:00:00.000Z  1 state(s), 1 absent`, `${newer}  2026-11-21T10:00:00.000Z  1 state(s), 1 absent`]);
  });

  it('prints the manifests as JSON with --json', async () => {
    const dir = freshDir();
    const id = await snapshotIn(dir, '2026-11-20T10:00:00Z');

    await run(['state-snapshots', '--env', 's3-env', '--from', dir, '--json']);

    expect(JSON.parse(printed.join('\n'))).toMatchObject([{ id, environment: 's3-env', stacks: { base: { absent: true } } }]);
  });

  it('reads $PLATFORM_STATE_BACKUP, else dist/state-backups in the workspace', async () => {
    const dir = freshDir();
    const id = await snapshotIn(dir, '2026-11-20T10:00:00Z');
    await snapshotIn(join(workspace.root, DEFAULT_STATE_BACKUP_DIR), '2026-11-22T10:00:00Z');

    await run(['state-snapshots', '--env', 's3-env'], { PLATFORM_STATE_BACKUP: dir });
    await run(['state-snapshots', '--env', 's3-env']);

    expect(printed[0]).toMatch(new RegExp(`^${id} `));
    expect(printed[1]).toMatch(/^20261122T100000Z-/);
  });

  it("takes the environment's state.backups when neither an option nor PLATFORM_STATE_BACKUP names a store", async () => {
    const gcs = loadEnvironment(workspace.root, 'gcs-env');
    const withBackups = { ...gcs, state: { ...gcs.state, backups: 'gs://acme-dev-tfstate-backups/snapshots' } } as typeof gcs;
    const at = async (runtimeEnv: NodeJS.ProcessEnv, spec?: string) =>
      (await new StateCommandRuntime({ workspaceRoot: workspace.root, env: runtimeEnv }).openBackupStore(spec, workspace.root, withBackups)).location;

    expect(await at({})).toBe('gs://acme-dev-tfstate-backups/snapshots');
    expect(await at({ PLATFORM_STATE_BACKUP: 'gs://from-variable/x' })).toBe('gs://from-variable/x');
    expect(await at({ PLATFORM_STATE_BACKUP: 'gs://from-variable/x' }, 'gs://from-option/y')).toBe('gs://from-option/y');
    expect(
      (await new StateCommandRuntime({ workspaceRoot: workspace.root, env: {} }).openBackupStore(undefined, workspace.root, gcs)).location,
      'no state.backups: the local default',
    ).toBe(new LocalDirectoryStore(join(workspace.root, DEFAULT_STATE_BACKUP_DIR)).location);
  });

  it('says so when there is no snapshot', async () => {
    await run(['state-snapshots', '--env', 's3-env']);

    expect(printed).toEqual([`no state snapshots of s3-env in ${new LocalDirectoryStore(join(workspace.root, DEFAULT_STATE_BACKUP_DIR)).location}`]);
  });
});

describe('state-backup and state-restore', () => {
  it('require --env', async () => {
    await expect(run(['state-backup'])).rejects.toThrow(/required option '-e, --env <environment>' not specified/);
    await expect(run(['state-restore', '--snapshot', '20261122T051500Z-3f9a'])).rejects.toThrow(/required option '-e, --env <environment>'/);
  });

  it('name the variables a runtime state endpoint needs, before writing anything', async () => {
    const dir = freshDir();

    await expect(run(['state-backup', '--env', 's3-env', '--to', dir])).rejects.toThrow(/set PLATFORM_STATE_ENDPOINT, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    await expect(run(['state-restore', '--env', 's3-env', '--snapshot', '20261122T051500Z-3f9a', '--from', dir])).rejects.toThrow(/PLATFORM_STATE_ENDPOINT/);

    expect(await new LocalDirectoryStore(dir).list('')).toEqual([]);
  });

  it('refuses an environment that does not exist', async () => {
    await expect(run(['state-backup', '--env', 'nowhere'])).rejects.toThrow(/nowhere/);
    expect(existsSync(join(workspace.root, DEFAULT_STATE_BACKUP_DIR))).toBe(false);
  });
});
