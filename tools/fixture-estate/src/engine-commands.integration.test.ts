import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { startStateServer, type StateServerSession } from '@platform/engine';
import { applyStack, destroyStack, engineWorkdir, outputStack, PLAN_JSON_FILE, planEnvironment, planStack, ProtectedEnvironmentError, renderEnvironmentPlan, requiredProviders, validateStack } from '@platform/deploy';
import { runSynth } from '@platform/synth';
import { synthOutputDir } from '@platform/workspace';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
/** The fixture estate is laid out like a workspace: stacks/ and environments/. */
const ESTATE = join(WORKSPACE, 'tools/fixture-estate');
const ORDER = ['fixture-base', 'fixture-app', 'fixture-edge'];
const lines: string[] = [];
const log = (line: string) => lines.push(line);

/*
 * One file, so its tests run in order: they share tools/fixture-estate/dist (synth output and
 * engine working directories) and one S3 server whose state bucket starts empty.
 */
describe('engine commands on the fixture estate', () => {
  let stateServer: StateServerSession;

  beforeAll(async () => {
    rmSync(join(ESTATE, 'dist'), { recursive: true, force: true });
    stateServer = await startStateServer({ workspaceRoot: WORKSPACE, buckets: ['fixture-state'], log });
    const outcomes = await runSynth({ workspaceRoot: ESTATE, stacks: [], log });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  }, 1_800_000);

  afterAll(async () => {
    await stateServer?.stop();
  });

  it('plans a never-applied estate in dependency order, carrying upstream values as known after apply', async () => {
    const plan = await planEnvironment({ workspaceRoot: ESTATE, environment: 'local', log });
    expect(plan.order).toEqual([['fixture-base'], ['fixture-app'], ['fixture-edge']]);
    expect(plan.offline).toBe(false);
    expect(plan.stacks.map(({ seconds: _seconds, outputsKnownAfterApply: _outputs, ...rest }) => rest)).toEqual([
      { stack: 'fixture-base', changes: { add: 4, change: 0, remove: 0 }, plannedUpstreams: {} },
      { stack: 'fixture-app', changes: { add: 2, change: 0, remove: 0 }, plannedUpstreams: { 'fixture-base': { created_at: 'known after apply', suffix: 'known after apply' } } },
      { stack: 'fixture-edge', changes: { add: 2, change: 0, remove: 0 }, plannedUpstreams: { 'fixture-app': { app_name: 'known after apply' } } },
    ]);
    expect(renderEnvironmentPlan(plan)).toMatch(/\| fixture-app +\| 2 +\| 0 +\| 0 +\| fixture-base\.created_at: known after apply; fixture-base\.suffix: known after apply/);
  }, 300_000);

  it('reads an upstream that was applied from its state, and only the rest from plans', async () => {
    await applyStack({ workspaceRoot: ESTATE, stack: 'fixture-base', environment: 'local', log });
    try {
      const plan = await planEnvironment({ workspaceRoot: ESTATE, environment: 'local', log });
      expect(plan.stacks.map((s) => [s.stack, s.changes.add, Object.keys(s.plannedUpstreams)])).toEqual([
        ['fixture-base', 0, []],
        ['fixture-app', 2, []],
        ['fixture-edge', 2, ['fixture-app']],
      ]);
    } finally {
      await destroyStack({ workspaceRoot: ESTATE, stack: 'fixture-base', environment: 'local', log });
    }
  }, 300_000);

  it('lists the providers a synthesized stack requires', () => {
    const json = readFileSync(join(ESTATE, synthOutputDir('fixture-base'), 'local/cdk.tf.json'), 'utf8');
    expect(requiredProviders(json)).toEqual(['hashicorp/random', 'hashicorp/time']);
  });

  it('validates every stack in every environment with the engine', async () => {
    for (const stack of ORDER) {
      const results = await validateStack({ workspaceRoot: ESTATE, stack, log });
      expect(results.map((r) => r.environment)).toEqual(['fx-dev', 'fx-prod', 'fx-staging', 'local']);
      for (const result of results) expect(result, `${stack} in ${result.environment}`).toMatchObject({ valid: true, diagnostics: [] });
    }
  }, 300_000);

  it("reports a seeded invalid attribute with the engine's own diagnostic", async () => {
    const file = join(ESTATE, synthOutputDir('fixture-app'), 'local/cdk.tf.json');
    const original = readFileSync(file, 'utf8');
    const broken = JSON.parse(original) as { resource: { random_pet: { pet: Record<string, unknown> } } };
    broken.resource.random_pet.pet.colour = 'blue';
    writeFileSync(file, JSON.stringify(broken, null, 2));
    try {
      const result = (await validateStack({ workspaceRoot: ESTATE, stack: 'fixture-app', log })).find((r) => r.environment === 'local');
      expect(result!.valid).toBe(false);
      expect(result!.diagnostics).toContainEqual(
        expect.objectContaining({
          severity: 'error',
          summary: 'Extraneous JSON object property',
          detail: 'No argument or block type is named "colour".',
          range: expect.objectContaining({ filename: 'main.tf.json' }),
        }),
      );
    } finally {
      writeFileSync(file, original);
    }
  }, 120_000);

  it('applies in dependency order, saves each plan with its JSON rendering, and reads outputs', async () => {
    for (const stack of ORDER) {
      const applied = await applyStack({ workspaceRoot: ESTATE, stack, environment: 'local', log });
      expect(applied.add, stack).toBeGreaterThan(0);
      const planJson = JSON.parse(readFileSync(join(ESTATE, engineWorkdir(stack, 'local'), PLAN_JSON_FILE), 'utf8')) as { format_version?: string };
      expect(planJson.format_version).toBeDefined();
    }
    const outputs = await outputStack({ workspaceRoot: ESTATE, stack: 'fixture-edge', environment: 'local', log });
    expect(outputs.greeting).toMatch(/^hello, app-/);
  }, 300_000);

  it('plans no changes once applied', async () => {
    for (const stack of ORDER) {
      expect(await planStack({ workspaceRoot: ESTATE, stack, environment: 'local', log }), stack).toEqual({ add: 0, change: 0, remove: 0 });
    }
  }, 300_000);

  it('destroys in reverse order', async () => {
    for (const stack of [...ORDER].reverse()) {
      const destroyed = await destroyStack({ workspaceRoot: ESTATE, stack, environment: 'local', log });
      expect(destroyed.remove, stack).toBeGreaterThan(0);
    }
  }, 300_000);

  it('refuses to apply or destroy a production or staging stack from the working tree without --break-glass, before touching anything', async () => {
    for (const environment of ['prod', 'staging']) {
      await expect(destroyStack({ workspaceRoot: WORKSPACE, stack: 'database', environment, log })).rejects.toThrow(ProtectedEnvironmentError);
      await expect(applyStack({ workspaceRoot: WORKSPACE, stack: 'database', environment, log })).rejects.toThrow(
        new RegExp(`refusing to apply database in ${environment}: .*changes only by promotion.*platform promote database@<version> --to ${environment}.*--break-glass`),
      );
      expect(existsSync(join(WORKSPACE, engineWorkdir('database', environment)))).toBe(false);
    }
  });

  it('names the environment variables a runtime state endpoint needs', async () => {
    delete process.env.PLATFORM_STATE_ENDPOINT;
    try {
      await expect(planStack({ workspaceRoot: ESTATE, stack: 'fixture-base', environment: 'local', log })).rejects.toThrow(
        /environments\/local\/environment\.yaml: state\.endpoint is 'runtime'.*PLATFORM_STATE_ENDPOINT/,
      );
    } finally {
      process.env.PLATFORM_STATE_ENDPOINT = stateServer.server.endpoint;
    }
  }, 60_000);
});
