import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { synthesizeAllEnvironments } from '@platform/synth';
import {
  BACKEND_CONFIG_FILE,
  EngineError,
  EngineRunner,
  ensureS3Server,
  prepareWorkdir,
  readPinnedVersions,
  s3ClientFor,
  setupEngine,
  startS3Server,
  type EngineSession,
  type RunningS3Server,
} from '@platform/engine';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const ESTATE = join(WORKSPACE, 'tools/fixture-estate');
/** Dependency order, from the stacks' package.json upstream lists. */
const ORDER = ['fixture-base', 'fixture-app', 'fixture-edge'] as const;
const log = (line: string) => console.log(line);

describe('fixture estate on the real engine and the real S3 server', () => {
  let server: RunningS3Server;
  let session: EngineSession;
  let work: string;
  const runners = new Map<string, EngineRunner>();

  beforeAll(async () => {
    const setup = await setupEngine({ workspaceRoot: WORKSPACE, log, providers: ['hashicorp/local', 'hashicorp/random', 'hashicorp/time'] });
    const s3 = await ensureS3Server({ versions: readPinnedVersions(WORKSPACE), log });
    // Unversioned: versitygw 1.8.0 refuses to re-create a deleted lock object in a versioned bucket (docs/engine.md).
    server = await startS3Server({ binary: s3.binary, buckets: ['fixture-state'], versioned: false });
    work = mkdtempSync(join(tmpdir(), 'estate-'));
    session = { engine: setup.engine, cliConfigFile: setup.cliConfigFile };
    for (const stack of ORDER) {
      const outcome = await synthesizeAllEnvironments(ESTATE, stack);
      if (!outcome.ok) throw new Error(JSON.stringify(outcome.failures));
      const env = prepareWorkdir(join(work, stack), outcome.files.get('local/cdk.tf.json')!, server);
      const runner = new EngineRunner({ ...session, env }, join(work, stack));
      await runner.init({ backend: true, backendConfigFile: BACKEND_CONFIG_FILE });
      runners.set(stack, runner);
    }
  }, 1_800_000);

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('validates every stack with the engine', async () => {
    for (const stack of ORDER) expect(await runners.get(stack)!.validate(), stack).toMatchObject({ valid: true });
  }, 120_000);

  it('applies the estate in dependency order; consumers read producer outputs through remote state', async () => {
    for (const stack of ORDER) {
      const runner = runners.get(stack)!;
      const plan = await runner.plan({ out: 'tfplan' });
      expect(plan.hasChanges, stack).toBe(true);
      await runner.apply('tfplan');
    }
    const base = await runners.get('fixture-base')!.outputs();
    const edge = await runners.get('fixture-edge')!.outputs();
    expect(base.suffix!.value).toMatch(/^[0-9a-f]{8}$/);
    expect(edge.greeting!.value).toMatch(new RegExp(`^hello, app-[a-z]+-[a-z]+-${base.suffix!.value as string}$`));
    const page = join(runners.get('fixture-edge')!.workdir, 'site/index.html');
    expect(readFileSync(page, 'utf8'), 'the file the local provider manages').toBe(`<h1>${edge.greeting!.value as string}</h1>\n`);
  }, 300_000);

  it('plans no changes right after the apply', async () => {
    for (const stack of ORDER) {
      const plan = await runners.get(stack)!.plan({ out: 'tfplan.again' });
      expect({ stack, hasChanges: plan.hasChanges }).toEqual({ stack, hasChanges: false });
    }
  }, 300_000);

  it('refuses a second concurrent apply on the same state with the lock', async () => {
    const base = runners.get('fixture-base')!;
    // Replacing the sleep makes the first apply hold the lock for a few seconds. The second run
    // starts once the lock object exists: no guess at how long the first takes to get there.
    await base.plan({ out: 'tfplan.lock', replace: ['time_sleep.hold'] });
    const first = base.apply('tfplan.lock');
    const s3 = s3ClientFor(server);
    try {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const held = await s3.send(new HeadObjectCommand({ Bucket: 'fixture-state', Key: 'stacks/fixture-base/terraform.tfstate.tflock' })).then(() => true, () => false);
        if (held) break;
        if (Date.now() > deadline) throw new Error('the first apply never took the state lock');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      s3.destroy();
    }
    const second = new EngineRunner(base.session, base.workdir).plan({ out: 'tfplan.second' });
    const error = await second.then(
      () => undefined,
      (e: unknown) => e,
    );
    await first;
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).isStateLocked).toBe(true);
  }, 300_000);

  it('destroys in reverse order and leaves nothing in state', async () => {
    for (const stack of [...ORDER].reverse()) await runners.get(stack)!.destroy();
    for (const stack of ORDER) expect(await runners.get(stack)!.stateAddresses(), stack).toEqual([]);
    expect(existsSync(join(runners.get('fixture-edge')!.workdir, 'site/index.html')), 'the managed file is removed').toBe(false);
  }, 300_000);

  it('reports a state it cannot read as an error, never as an empty state', async () => {
    // A corrupted state object (a bad write, a hostile edit of the bucket).
    const s3 = s3ClientFor(server);
    try {
      await s3.send(new PutObjectCommand({ Bucket: 'fixture-state', Key: 'stacks/fixture-base/terraform.tfstate', Body: '{"version": 4, "serial": ' }));
    } finally {
      s3.destroy();
    }
    const read = await runners.get('fixture-base')!.stateAddresses().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(read).toBeInstanceOf(EngineError);
    expect((read as EngineError).output).toMatch(/state/i);
  }, 300_000);
});
