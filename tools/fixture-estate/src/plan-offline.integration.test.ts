import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { engineWorkdir, OFFLINE_STATE_FILE, planEnvironment, renderEnvironmentPlan } from '@platform/deploy';
import { runSynth } from '@platform/synth';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/*
 * fx-dev keeps its state in S3 at an endpoint known only at run time. No server runs here and
 * no endpoint or credentials are set: an offline plan must not need them.
 */
describe('offline plan of an environment from zero', () => {
  let copy: string;
  let estate: string;
  const saved = { endpoint: process.env.PLATFORM_STATE_ENDPOINT, key: process.env.AWS_ACCESS_KEY_ID };

  beforeAll(async () => {
    delete process.env.PLATFORM_STATE_ENDPOINT;
    delete process.env.AWS_ACCESS_KEY_ID;
    copy = copyWorkspace(WORKSPACE, undefined, 'plan-offline');
    estate = join(copy, 'tools/fixture-estate');
    const outcomes = await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });
  afterAll(() => {
    if (saved.endpoint !== undefined) process.env.PLATFORM_STATE_ENDPOINT = saved.endpoint;
    if (saved.key !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.key;
    removeWorkspaceCopy(copy);
  });

  it('plans every stack without its backend, reading upstream outputs from the upstream plans with unknowns kept unknown', async () => {
    const plan = await planEnvironment({ workspaceRoot: estate, environment: 'fx-dev', offline: true, log: () => {} });
    expect(plan.offline).toBe(true);
    // From zero, every synthesized resource is one to add.
    const synthesized = (stack: string) =>
      (JSON.parse(readFileSync(join(estate, 'dist/stacks', stack, 'synth.json'), 'utf8')) as { environments: Record<string, { resources: number }> }).environments['fx-dev']!.resources;
    expect(plan.stacks.map((s) => [s.stack, s.changes])).toEqual(
      ['fixture-base', 'fixture-app', 'fixture-edge'].map((stack) => [stack, { add: synthesized(stack), change: 0, remove: 0 }]),
    );
    expect(plan.stacks[1]!.plannedUpstreams).toEqual({ 'fixture-base': { created_at: 'known after apply', suffix: 'known after apply' } });
    expect(plan.stacks[0]!.outputsKnownAfterApply).toEqual(expect.arrayContaining(['created_at', 'suffix']));
    const markdown = renderEnvironmentPlan(plan);
    expect(markdown).toMatch(/^## Offline plan of fx-dev from zero, not the live state/);
    expect(markdown).toMatch(new RegExp(`\\| fixture-base +\\| ${synthesized('fixture-base')} +\\| 0 +\\| 0 +\\| none +\\|.*created_at`));
  }, 300_000);

  it('works in a folder of its own and leaves the deploy working directories alone', async () => {
    await planEnvironment({ workspaceRoot: estate, environment: 'fx-dev', offline: true, log: () => {} });
    expect(existsSync(join(estate, engineWorkdir('fixture-base', 'fx-dev', 'offline'), 'main.tf.json'))).toBe(true);
    expect(existsSync(join(estate, engineWorkdir('fixture-base', 'fx-dev', 'offline'), OFFLINE_STATE_FILE))).toBe(false);
    expect(existsSync(join(estate, engineWorkdir('fixture-base', 'fx-dev')))).toBe(false);
  }, 300_000);

  it('plans only the stacks asked for and those they read from, upstreams first', async () => {
    const plan = await planEnvironment({ workspaceRoot: estate, environment: 'fx-dev', offline: true, stacks: ['fixture-app'], log: () => {} });
    expect(plan.order).toEqual([['fixture-base'], ['fixture-app']]);
    expect(plan.stacks.map((s) => s.stack)).toEqual(['fixture-base', 'fixture-app']);
    expect(plan.stacks[1]!.plannedUpstreams).toEqual({ 'fixture-base': { created_at: 'known after apply', suffix: 'known after apply' } });
    await expect(planEnvironment({ workspaceRoot: estate, environment: 'fx-dev', offline: true, stacks: ['no-such-stack'], log: () => {} })).rejects.toThrow("'no-such-stack' is not a stack");
  }, 300_000);

  it('refuses the same environment without --offline, naming what a live plan needs', async () => {
    await expect(planEnvironment({ workspaceRoot: estate, environment: 'fx-dev', log: () => {} })).rejects.toThrow(/set PLATFORM_STATE_ENDPOINT/);
  }, 300_000);
});
