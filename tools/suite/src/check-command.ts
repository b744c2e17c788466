import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { listEnvironments } from '@platform/config';
import {
  checkEnvironmentGuardrails,
  configurationsInDist,
  synthesizeAllEnvironments,
  type EnvironmentGuardrailResult,
  type StackSynthReport,
  type SynthFailure,
} from '@platform/synth';
import { failedTaskLogs, listStacks, markdownTable, synthOutputDir } from '@platform/workspace';
import { runNxTargetsToLog } from './nx';
import { readProjectTestResult, readTestResults, TEST_RESULTS_DIR, type TestTotals } from './test-results';

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
  /** The guardrails over each environment's stacks together (a budget, audit logs). */
  readonly environmentGuardrails: readonly EnvironmentGuardrailResult[];
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
  const environmentGuardrails = checkEnvironmentGuardrails(workspaceRoot, configurationsInDist(workspaceRoot));
  const ok =
    rows.every((row) => row.synth === 'ok' && row.guardrails === 'pass') &&
    stackTests.every((t) => t.failed === 0 && t.passed > 0) &&
    environmentGuardrails.every((e) => e.violations.length === 0);
  return { ok, environments, rows, tests: stackTests, environmentGuardrails };
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
  const environmentGuardrails = markdownTable(
    ['Environment', 'Environment guardrails', 'Problem'],
    summary.environmentGuardrails.map((e) => [
      e.environment,
      e.violations.length > 0 ? 'fail' : e.missing.length > 0 ? 'pass (partly checked)' : 'pass',
      [...e.violations.map((v) => `${v.rule}: ${v.message}; fix: ${v.fix}`), ...(e.missing.length > 0 ? [`not synthesized: ${e.missing.join(', ')}`] : [])].join('; '),
    ]),
  );
  const verdict = summary.ok
    ? `All ${summary.rows.length} stack x environment combinations synthesized and passed the guardrails, every environment passed the environment guardrails, and every stack's tests passed.`
    : `FAILED: see the rows above and the output of the failed tasks before them (every task's output: ${CHECK_LOG}).`;
  return `## Synth and guardrails\n\n${synth}\n\n## Environment guardrails\n\n${environmentGuardrails}\n\n## Stack tests\n\n${tests}\n\n${verdict}\n`;
}

export interface CheckOptions {
  readonly workspaceRoot: string;
  readonly json: boolean;
  /** Where progress and the logs of failed tasks go (stderr by default; the summary goes to stdout). */
  readonly progress?: (line: string) => void;
}

/** Where `npm start` keeps the whole output of its Nx run. */
export const CHECK_LOG = 'dist/reports/check.log';

/**
 * A line per stack as its synth and its tests finish, read from what they leave in dist/ (both
 * folders are emptied before the run, and Nx restores a cached task's outputs).
 */
export function watchCheckProgress(workspaceRoot: string, print: (line: string) => void, intervalMs = 500): () => void {
  const stacks = listStacks(workspaceRoot);
  const seen = new Set<string>();
  const tick = () => {
    for (const stack of stacks) {
      if (!seen.has(`synth:${stack}`)) {
        const report = readSynthReportIfComplete(workspaceRoot, stack);
        if (report) {
          seen.add(`synth:${stack}`);
          print(`✓ synth ${stack}: ${Object.keys(report.environments).length} environments, guardrails pass`);
        }
      }
      if (!seen.has(`test:${stack}`)) {
        const totals = readProjectTestResult(workspaceRoot, `stacks/${stack}`);
        if (totals) {
          seen.add(`test:${stack}`);
          const ok = totals.failed === 0 && totals.passed > 0;
          print(ok ? `✓ test ${stack}: ${totals.passed} passed` : `✗ test ${stack}: ${totals.failed} failed, ${totals.passed} passed`);
        }
      }
    }
  };
  const timer = setInterval(tick, intervalMs);
  return () => {
    clearInterval(timer);
    tick();
  };
}

/** A file another process may be writing: undefined until it parses. */
function readJsonIfComplete<T>(file: string): T | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function readSynthReportIfComplete(workspaceRoot: string, stack: string): StackSynthReport | undefined {
  return readJsonIfComplete<StackSynthReport>(join(workspaceRoot, synthOutputDir(stack), 'synth.json'));
}



/** The main job on the embedded default: synth, test and policy-check every stack, then a summary. */
export async function runCheck(options: CheckOptions): Promise<number> {
  const { workspaceRoot } = options;
  // Stale results must not pass for fresh ones; Nx restores cached outputs for unchanged tasks.
  rmSync(join(workspaceRoot, 'dist/stacks'), { recursive: true, force: true });
  rmSync(join(workspaceRoot, TEST_RESULTS_DIR, 'stacks'), { recursive: true, force: true });
  const progress = options.progress ?? ((line: string) => console.error(line));
  progress(`Synthesizing and testing every stack through Nx (the whole output goes to ${CHECK_LOG}):`);
  const stopWatching = watchCheckProgress(workspaceRoot, progress);
  let nx: Awaited<ReturnType<typeof runNxTargetsToLog>>;
  try {
    nx = await runNxTargetsToLog(workspaceRoot, ['synth', 'test'], ['--projects=tag:type:stack'], join(workspaceRoot, CHECK_LOG));
  } finally {
    stopWatching();
  }
  const nxExit = nx.exitCode;
  if (nxExit !== 0) {
    const failed = failedTaskLogs(nx.output);
    for (const { task, log } of failed) progress(`\n--- ${task} failed; its output:\n${log}`);
    if (failed.length === 0) progress(`\nNx failed (exit ${nxExit}); its output:\n${nx.output.trim()}`);
  }
  const summary = await summarize(workspaceRoot);
  console.log(options.json ? JSON.stringify(summary, null, 2) : `\n${renderSummary(summary)}`);
  return summary.ok && nxExit === 0 ? 0 : 1;
}
