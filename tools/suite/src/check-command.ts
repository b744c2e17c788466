import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listEnvironments } from '@platform/config';
import { synthesizeAllEnvironments, type StackSynthReport, type SynthFailure } from '@platform/synth';
import { listStacks, markdownTable, synthOutputDir } from '@platform/workspace';
import { runNxTargets } from './nx';
import { readTestResults, TEST_RESULTS_DIR, type TestTotals } from './test-results';

export interface CheckRow {
  readonly stack: string;
  readonly environment: string;
  readonly synth: 'ok' | 'failed';
  readonly guardrails: 'pass' | 'fail' | 'not checked';
  readonly resources: number | null;
  readonly sha256: string | null;
  readonly problem: string | null;
}

export interface CheckSummary {
  readonly ok: boolean;
  readonly environments: readonly string[];
  readonly rows: readonly CheckRow[];
  readonly tests: readonly (TestTotals & { readonly stack: string })[];
}

function readSynthReport(workspaceRoot: string, stack: string): StackSynthReport | undefined {
  const file = join(workspaceRoot, synthOutputDir(stack), 'synth.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StackSynthReport) : undefined;
}

function rowsForFailedStack(stack: string, environments: readonly string[], failures: readonly SynthFailure[]): CheckRow[] {
  return environments.map((environment) => {
    const own = failures.filter((f) => f.environment === environment || f.environment === undefined);
    const policy = own.some((f) => (f.violations?.length ?? 0) > 0);
    return {
      stack,
      environment,
      synth: own.length > 0 ? 'failed' : 'ok',
      guardrails: policy ? 'fail' : own.length > 0 ? 'not checked' : 'pass',
      resources: null,
      sha256: null,
      problem: own.map((f) => f.message.split('\n')[0]).join('; ') || 'another environment failed, nothing written',
    };
  });
}

/** Builds the summary from what the synth and test targets left in dist/. */
export async function summarize(workspaceRoot: string): Promise<CheckSummary> {
  const environments = listEnvironments(workspaceRoot);
  const tests = readTestResults(workspaceRoot);
  const rows: CheckRow[] = [];
  const stackTests: (TestTotals & { stack: string })[] = [];
  for (const stack of listStacks(workspaceRoot)) {
    const report = readSynthReport(workspaceRoot, stack);
    if (report) {
      for (const environment of environments) {
        const result = report.environments[environment];
        rows.push({
          stack,
          environment,
          synth: result ? 'ok' : 'failed',
          guardrails: result ? 'pass' : 'not checked',
          resources: result?.resources ?? null,
          sha256: result ? result.sha256.slice(0, 12) : null,
          problem: result ? null : 'not synthesized',
        });
      }
    } else {
      // Failed synth tasks leave nothing behind: synthesize again in memory for the reasons.
      const outcome = await synthesizeAllEnvironments(workspaceRoot, stack);
      rows.push(...rowsForFailedStack(stack, environments, outcome.ok ? [] : outcome.failures));
    }
    const totals = tests.get(`stacks/${stack}`);
    stackTests.push({ stack, ...(totals ?? { project: `stacks/${stack}`, passed: 0, failed: 0, skipped: 0, files: 0 }) });
  }
  const ok =
    rows.every((row) => row.synth === 'ok' && row.guardrails === 'pass') &&
    stackTests.every((t) => t.failed === 0 && t.passed > 0);
  return { ok, environments, rows, tests: stackTests };
}

export function renderSummary(summary: CheckSummary): string {
  const synth = markdownTable(
    ['Stack', 'Environment', 'Synth', 'Guardrails', 'Resources', 'sha256', 'Problem'],
    summary.rows.map((row) => [
      row.stack,
      row.environment,
      row.synth,
      row.guardrails,
      row.resources === null ? '-' : String(row.resources),
      row.sha256 ?? '-',
      row.problem ?? '',
    ]),
  );
  const tests = markdownTable(
    ['Stack', 'Tests passed', 'Failed', 'Skipped'],
    summary.tests.map((t) => [t.stack, String(t.passed), String(t.failed), String(t.skipped)]),
  );
  const verdict = summary.ok
    ? `All ${summary.rows.length} stack x environment combinations synthesized and passed the guardrails; every stack's tests passed.`
    : 'FAILED: see the rows above and the task output before them.';
  return `## Synth and guardrails\n\n${synth}\n\n## Stack tests\n\n${tests}\n\n${verdict}\n`;
}

export interface CheckOptions {
  readonly workspaceRoot: string;
  readonly json: boolean;
}

/** The main job on the embedded default: synth, test and policy-check every stack, then a summary. */
export async function runCheck(options: CheckOptions): Promise<number> {
  const { workspaceRoot } = options;
  // Stale results must not pass for fresh ones; Nx restores cached outputs for unchanged tasks.
  rmSync(join(workspaceRoot, 'dist/stacks'), { recursive: true, force: true });
  rmSync(join(workspaceRoot, TEST_RESULTS_DIR, 'stacks'), { recursive: true, force: true });
  const nxExit = await runNxTargets(workspaceRoot, ['synth', 'test'], ['--projects=tag:type:stack']);
  const summary = await summarize(workspaceRoot);
  console.log(options.json ? JSON.stringify(summary, null, 2) : `\n${renderSummary(summary)}`);
  return summary.ok && nxExit === 0 ? 0 : 1;
}
