import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listEnvironments } from '@platform/config';
import { providerInMirror, readPinnedVersions } from '@platform/engine';
import { runSynth } from '@platform/synth';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';
import { listStacks } from '@platform/workspace';
import { planEnvironment } from './plan-environment';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const GOOGLE = 'hashicorp/google';
const googleInMirror = providerInMirror(readPinnedVersions(WORKSPACE), GOOGLE);

/*
 * The GCP estate planned offline from zero, every environment, with the real google provider
 * where it is in the mirror (the tests' global set-up builds it from the Go module proxy). Where
 * it is not (a proxy that refuses it; see docs/engine.md), the plan is not run, and the test
 * proves the command says why.
 */
describe(`offline plans of the GCP estate (${googleInMirror ? 'google provider in the mirror' : 'not run: google provider not in the mirror'})`, () => {
  let copy: string;
  const saved = process.env.GOOGLE_OAUTH_ACCESS_TOKEN;

  beforeAll(async () => {
    delete process.env.GOOGLE_OAUTH_ACCESS_TOKEN;
    copy = copyWorkspace(WORKSPACE, undefined, 'gcp-offline');
    const outcomes = await runSynth({ workspaceRoot: copy, stacks: [], log: () => {} });
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });
  afterAll(() => {
    if (saved !== undefined) process.env.GOOGLE_OAUTH_ACCESS_TOKEN = saved;
    removeWorkspaceCopy(copy);
  });

  const resources = (stack: string, environment: string) =>
    (JSON.parse(readFileSync(join(copy, 'dist/stacks', stack, 'synth.json'), 'utf8')) as { environments: Record<string, { resources: number }> }).environments[environment]!.resources;

  if (googleInMirror) {
    it.each(listEnvironments(WORKSPACE))('plans every stack of %s from zero: every synthesized resource is one to add', async (environment) => {
      const plan = await planEnvironment({ workspaceRoot: copy, environment, offline: true, log: () => {} });
      expect(plan.stacks.map((s) => s.stack).sort()).toEqual(listStacks(copy));
      for (const stack of plan.stacks) expect(stack.changes, `${stack.stack} (${environment})`).toEqual({ add: resources(stack.stack, environment), change: 0, remove: 0 });
    }, 600_000);
  } else {
    it('says the google provider is missing and where to read why, instead of planning', async () => {
      console.warn('offline plans of the GCP estate: not run: google provider not in the mirror (docs/engine.md)');
      await expect(planEnvironment({ workspaceRoot: copy, environment: 'dev', offline: true, log: () => {} })).rejects.toThrow(
        /needs hashicorp\/google 6\.50\.0, which could not be installed: .*\(see docs\/engine\.md\)/,
      );
    }, 600_000);
  }
});
