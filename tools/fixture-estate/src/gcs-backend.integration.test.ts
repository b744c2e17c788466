import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { applyStack, destroyStack, openStackEngine, outputStack, planStack } from '@platform/deploy';
import { EngineError, ensureGcsServer, readPinnedVersions, startGcsServer, type EngineRunner, type RunningGcsServer } from '@platform/engine';
import { GcsStore } from '@platform/store';
import { runSynth } from '@platform/synth';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const ORDER = ['fixture-base', 'fixture-app', 'fixture-edge'] as const;
const ENVIRONMENT = 'gcs-local';
const BUCKET = 'fixture-gcs-state';
const log = () => {};

/** The local environment with its state in Cloud Storage at an endpoint known at run time: the emulator. */
function addGcsEnvironment(estate: string): void {
  const dir = join(estate, 'environments', ENVIRONMENT);
  cpSync(join(estate, 'environments/local'), dir, { recursive: true });
  writeFileSync(
    join(dir, 'environment.yaml'),
    [
      `name: ${ENVIRONMENT}`,
      'description: Fixture estate with its state in the GCS emulator.',
      'kind: drill',
      'tier: development',
      'project: fixture-estate-gcs',
      'projectNumber: "100000000000"',
      'region: europe-west1',
      'state:',
      '  backend: gcs',
      `  bucket: ${BUCKET}`,
      `  prefix: ${ENVIRONMENT}`,
      '  endpoint: runtime',
      '',
    ].join('\n'),
  );
}

/** `tofu apply` waiting at its approval prompt: it holds the state lock until it is answered or killed. */
async function applyWaitingForApproval(runner: EngineRunner): Promise<ChildProcess> {
  const child = spawn(runner.session.engine.binary, ['apply', '-no-color'], {
    cwd: runner.workdir,
    env: { ...process.env, ...runner.session.env, TF_CLI_CONFIG_FILE: runner.session.cliConfigFile, CHECKPOINT_DISABLE: '1' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`apply never asked for approval:\n${output}`)), 60_000);
    const seen = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Enter a value')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', seen);
    child.stderr!.on('data', seen);
    child.once('exit', () => reject(new Error(`apply exited before asking for approval:\n${output}`)));
  });
  return child;
}

/*
 * The engine's gcs backend for real, against fake-gcs-server on 127.0.0.1: the fixture estate
 * applied with its state in Cloud Storage, remote-state reads through gcs, the lock, destroy.
 */
describe('the fixture estate with its state in the gcs backend', () => {
  let server: RunningGcsServer;
  let copy: string;
  let estate: string;
  let bucket: GcsStore;
  const savedEndpoint = process.env.PLATFORM_STATE_ENDPOINT;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const { binary } = await ensureGcsServer({ versions: readPinnedVersions(WORKSPACE), log });
    server = await startGcsServer({ binary, buckets: [BUCKET] });
    bucket = new GcsStore({ bucket: BUCKET, apiEndpoint: server.endpoint });
    copy = copyWorkspace(WORKSPACE, undefined, 'gcs-backend');
    estate = join(copy, 'tools/fixture-estate');
    addGcsEnvironment(estate);
    process.env.PLATFORM_STATE_ENDPOINT = server.jsonApiUrl;
    const outcomes = await runSynth({ workspaceRoot: estate, stacks: [], log });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  }, 600_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    if (savedEndpoint === undefined) delete process.env.PLATFORM_STATE_ENDPOINT;
    else process.env.PLATFORM_STATE_ENDPOINT = savedEndpoint;
    await server?.stop();
    if (copy) removeWorkspaceCopy(copy);
  });

  it('synthesizes a gcs backend whose endpoint is left to the engine environment', () => {
    const json = JSON.parse(readFileSync(join(estate, 'dist/stacks/fixture-app', ENVIRONMENT, 'cdk.tf.json'), 'utf8')) as {
      terraform: { backend: unknown };
      data: { terraform_remote_state: Record<string, { backend: string; config: unknown }> };
    };
    expect(json.terraform.backend).toEqual({ gcs: { bucket: BUCKET, prefix: `${ENVIRONMENT}/fixture-app` } });
    expect(Object.values(json.data.terraform_remote_state)).toEqual([{ backend: 'gcs', config: { bucket: BUCKET, prefix: `${ENVIRONMENT}/fixture-base` } }]);
  });

  it('refuses a second apply while one holds the lock, and reports a lock left by a killed apply with its id and holder', async () => {
    // A second working directory of fixture-base, where an apply waits at its prompt holding the lock.
    const { runner } = await openStackEngine({ workspaceRoot: estate, stack: 'fixture-base', environment: ENVIRONMENT, backend: true, log });
    const holder = await applyWaitingForApproval(runner);
    children.push(holder);
    const lockKey = `${ENVIRONMENT}/fixture-base/default.tflock`;
    const lock = JSON.parse(Buffer.from((await bucket.get(lockKey))!).toString('utf8')) as { Who: string; Operation: string };
    expect(lock.Operation).toBe('OperationTypeApply');

    const refused = await planStack({ workspaceRoot: estate, stack: 'fixture-base', environment: ENVIRONMENT, log }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(EngineError);
    expect((refused as EngineError).isStateLocked).toBe(true);
    // The gcs backend's lock id is the lock object's generation: what force-unlock takes.
    const id = (refused as EngineError).lockHolder!.id;
    expect(id).toMatch(/^\d+$/);
    expect((refused as EngineError).message).toContain(`the state is locked by another run: lock ID ${id}, held by ${lock.Who} for OperationTypeApply since `);

    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.once('exit', resolve));
    expect(await bucket.get(lockKey), 'the killed apply left its lock').toBeDefined();
    const left = await applyStack({ workspaceRoot: estate, stack: 'fixture-base', environment: ENVIRONMENT, log }).catch((error: unknown) => error);
    expect((left as EngineError).lockHolder).toMatchObject({ id, who: lock.Who, operation: 'OperationTypeApply', path: `gs://${BUCKET}/${lockKey}` });
    // init writes an empty state for the default workspace; nothing was applied into it.
    const stateKey = `${ENVIRONMENT}/fixture-base/default.tfstate`;
    expect(await bucket.list(`${ENVIRONMENT}/`)).toEqual([lockKey, stateKey]);
    expect((JSON.parse(Buffer.from((await bucket.get(stateKey))!).toString('utf8')) as { resources: unknown[] }).resources, 'nothing was applied').toEqual([]);

    // What the runbook does once the holder is known to be dead.
    const unlock = spawn(runner.session.engine.binary, ['force-unlock', '-force', id], {
      cwd: runner.workdir,
      env: { ...process.env, ...runner.session.env, TF_CLI_CONFIG_FILE: runner.session.cliConfigFile },
    });
    expect(await new Promise((resolve) => unlock.once('exit', resolve))).toBe(0);
    expect(await bucket.get(lockKey)).toBeUndefined();
  }, 300_000);

  it('applies the estate in dependency order, each state in the bucket, consumers reading producers through gcs remote state', async () => {
    for (const stack of ORDER) {
      const applied = await applyStack({ workspaceRoot: estate, stack, environment: ENVIRONMENT, log });
      expect(applied.add, stack).toBeGreaterThan(0);
    }
    expect(await bucket.list(`${ENVIRONMENT}/`)).toEqual(ORDER.map((stack) => `${ENVIRONMENT}/${stack}/default.tfstate`).sort());
    const base = await outputStack({ workspaceRoot: estate, stack: 'fixture-base', environment: ENVIRONMENT, log });
    const edge = await outputStack({ workspaceRoot: estate, stack: 'fixture-edge', environment: ENVIRONMENT, log });
    expect(edge.greeting).toMatch(new RegExp(`^hello, app-[a-z]+-[a-z]+-${base.suffix as string}$`));
    const state = JSON.parse(Buffer.from((await bucket.get(`${ENVIRONMENT}/fixture-base/default.tfstate`))!).toString('utf8')) as { resources: unknown[] };
    expect(state.resources.length).toBeGreaterThan(0);
  }, 300_000);

  it('plans no changes right after the apply', async () => {
    for (const stack of ORDER) {
      expect(await planStack({ workspaceRoot: estate, stack, environment: ENVIRONMENT, log }), stack).toEqual({ add: 0, change: 0, remove: 0 });
    }
  }, 300_000);

  it('destroys in reverse order and leaves no resource in any state and no lock', async () => {
    for (const stack of [...ORDER].reverse()) await destroyStack({ workspaceRoot: estate, stack, environment: ENVIRONMENT, log });
    for (const stack of ORDER) {
      const state = JSON.parse(Buffer.from((await bucket.get(`${ENVIRONMENT}/${stack}/default.tfstate`))!).toString('utf8')) as { resources: unknown[] };
      expect(state.resources, stack).toEqual([]);
    }
    expect((await bucket.list(`${ENVIRONMENT}/`)).filter((key) => key.endsWith('.tflock'))).toEqual([]);
  }, 300_000);
});
