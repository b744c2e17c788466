import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Totals of one Vitest JSON report (what `--reporter=json` writes). */
export interface TestTotals {
  readonly project: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly files: number;
}

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numTotalTestSuites: number;
  testResults: unknown[];
}

export const TEST_RESULTS_DIR = 'dist/test-results';

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : name.endsWith('.json') ? [path] : [];
  });
}

/** Every project's test totals from dist/test-results/<projectRoot>.json, keyed by project root. */
export function readTestResults(workspaceRoot: string): Map<string, TestTotals> {
  const base = join(workspaceRoot, TEST_RESULTS_DIR);
  const totals = new Map<string, TestTotals>();
  for (const file of walk(base).sort()) {
    const project = relative(base, file).replace(/\.json$/, '');
    totals.set(project, totalsOf(project, JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport));
  }
  return totals;
}

function totalsOf(project: string, report: VitestJsonReport): TestTotals {
  return { project, passed: report.numPassedTests, failed: report.numFailedTests, skipped: report.numPendingTests + report.numTodoTests, files: report.testResults.length };
}

/** One project's totals (e.g. `stacks/network`), or undefined while its report is missing or still being written. */
export function readProjectTestResult(workspaceRoot: string, project: string): TestTotals | undefined {
  const file = join(workspaceRoot, TEST_RESULTS_DIR, `${project}.json`);
  if (!existsSync(file)) return undefined;
  try {
    return totalsOf(project, JSON.parse(readFileSync(file, 'utf8')) as VitestJsonReport);
  } catch {
    return undefined;
  }
}

export function sumTotals(totals: Iterable<TestTotals>): Omit<TestTotals, 'project'> {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let files = 0;
  for (const t of totals) {
    passed += t.passed;
    failed += t.failed;
    skipped += t.skipped;
    files += t.files;
  }
  return { passed, failed, skipped, files };
}
