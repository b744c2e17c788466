import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { copyWorkspace, removeWorkspaceCopy, TSX } from '@platform/testing';
import { renderSummary, summarize } from './check-command';
import { listStacks, markdownTable } from '@platform/workspace';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

function writeVitestReport(root: string, project: string, passed: number, failed: number) {
  const file = join(root, 'dist/test-results', `${project}.json`);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, JSON.stringify({ numPassedTests: passed, numFailedTests: failed, numPendingTests: 0, numTodoTests: 0, numTotalTestSuites: 1, testResults: [{}] }));
}

describe('check summary', () => {
  let copy: string;
  const stacks = listStacks(WORKSPACE);
  beforeAll(() => {
    copy = copyWorkspace(WORKSPACE, undefined, 'check');
    const synth = spawnSync(process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'synth'], { cwd: copy, encoding: 'utf8' });
    expect(synth.status, synth.stdout + synth.stderr).toBe(0);
    for (const stack of stacks) writeVitestReport(copy, `stacks/${stack}`, 5, 0);
  }, 120_000);
  afterAll(() => removeWorkspaceCopy(copy));

  it('has a passing row per stack and environment with resources and checksum when all is well', async () => {
    const summary = await summarize(copy);
    expect(summary.ok).toBe(true);
    expect(summary.rows).toHaveLength(stacks.length * 4);
    for (const row of summary.rows) {
      expect(row).toMatchObject({ synth: 'ok', guardrails: 'pass', problem: null });
      expect(row.resources).toBeGreaterThan(0);
      expect(row.sha256).toMatch(/^[0-9a-f]{12}$/);
    }
    expect(summary.environmentGuardrails.map((e) => e.violations)).toEqual(summary.environments.map(() => []));
    expect(renderSummary(summary)).toContain(`All ${stacks.length * 4} stack x environment combinations synthesized and passed the guardrails, every environment passed the environment guardrails`);
  });

  it('marks a stack whose synth failed, per environment, with the reason, and fails the check', async () => {
    const file = join(copy, 'environments/staging/gke-cluster.yaml');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('minNodes: 1', 'minNodes: 9'));
    rmSync(join(copy, 'dist/stacks/gke-cluster'), { recursive: true, force: true });
    try {
      const summary = await summarize(copy);
      expect(summary.ok).toBe(false);
      const rows = summary.rows.filter((row) => row.stack === 'gke-cluster');
      expect(rows.find((row) => row.environment === 'staging')).toMatchObject({
        synth: 'failed',
        problem: expect.stringMatching(/environments\/staging\/gke-cluster\.yaml:\d+: key 'nodePools\.general\.minNodes' minNodes must not exceed maxNodes/),
      });
      expect(rows.find((row) => row.environment === 'dev')).toMatchObject({ synth: 'ok', problem: 'another environment failed, nothing written' });
    } finally {
      writeFileSync(file, original);
    }
  }, 60_000);

  it('fails the check when an environment breaks an environment guardrail, naming the rule and the fix', async () => {
    const devConfiguration = (stack: string) => join(copy, 'dist/stacks', stack, 'dev/cdk.tf.json');
    const withBudget = stacks.find((stack) => existsSync(devConfiguration(stack)) && readFileSync(devConfiguration(stack), 'utf8').includes('google_billing_budget'));
    expect(withBudget, 'a stack creates the dev budget').toBeDefined();
    const file = join(copy, 'dist/stacks', withBudget!, 'dev/cdk.tf.json');
    const original = readFileSync(file, 'utf8');
    const parsed = JSON.parse(original) as { resource: Record<string, unknown> };
    delete parsed.resource.google_billing_budget;
    writeFileSync(file, JSON.stringify(parsed));
    try {
      const summary = await summarize(copy);
      expect(summary.ok).toBe(false);
      expect(summary.environmentGuardrails.find((e) => e.environment === 'dev')!.violations).toEqual([
        expect.objectContaining({ rule: 'budget-per-cloud-environment', fix: expect.stringContaining('environments/dev/observability.yaml') }),
      ]);
      expect(renderSummary(summary)).toMatch(/\| dev +\| fail +\| budget-per-cloud-environment: no stack of environment 'dev' creates a billing budget/);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('fails the check when a stack has failing tests or none', async () => {
    writeVitestReport(copy, 'stacks/network', 4, 1);
    rmSync(join(copy, 'dist/test-results/stacks/database.json'));
    try {
      const summary = await summarize(copy);
      expect(summary.ok).toBe(false);
      expect(summary.tests.find((t) => t.stack === 'network')).toMatchObject({ passed: 4, failed: 1 });
      expect(summary.tests.find((t) => t.stack === 'database')).toMatchObject({ passed: 0 });
    } finally {
      writeVitestReport(copy, 'stacks/network', 5, 0);
      writeVitestReport(copy, 'stacks/database', 5, 0);
    }
  });
});

describe('markdownTable', () => {
  it('pads columns so the table lines up in a terminal', () => {
    expect(markdownTable(['a', 'long header'], [['value', 'x']])).toBe(
      ['| a     | long header |', '|-------|-------------|', '| value | x           |'].join('\n'),
    );
  });
});
