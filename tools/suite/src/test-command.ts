import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { runNxTargets } from './nx';
import { readTestResults, sumTotals, TEST_RESULTS_DIR } from './test-results';

/**
 * Targets that make up the whole suite, for every project. Nx runs the engine's `setup` once
 * before the first `integration` target (nx.json targetDefaults), so a new machine builds the
 * engine once, while the unit tests run beside it.
 */
export const TEST_SUITE_TARGETS = ['lint', 'typecheck', 'test', 'integration', 'synth'] as const;

/** Runs the whole suite through Nx and prints one closing line with the totals. */
export async function runTestSuite(options: { readonly workspaceRoot: string }): Promise<number> {
  rmSync(join(options.workspaceRoot, TEST_RESULTS_DIR), { recursive: true, force: true });
  const exitCode = await runNxTargets(options.workspaceRoot, TEST_SUITE_TARGETS);
  const results = readTestResults(options.workspaceRoot);
  const totals = sumTotals(results.values());
  console.log(`\n${results.size} test runs (unit and integration, per project), ${totals.files} test files`);
  console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  if (totals.skipped > 0) {
    console.log('A skipped test is a failure to explain: remove the skip or fix the test.');
    return 1;
  }
  return exitCode === 0 && totals.failed === 0 && totals.passed > 0 ? 0 : 1;
}
