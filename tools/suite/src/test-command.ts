import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { setupForTests } from '@platform/engine';
import { errorMessage } from '@platform/workspace';
import { runNxTargets } from './nx';
import { readTestResults, sumTotals, TEST_RESULTS_DIR } from './test-results';

/** The fast part of the suite, for every project: it needs no engine. */
export const OFFLINE_SUITE_TARGETS = ['lint', 'typecheck', 'test', 'synth'] as const;
/** The part that runs the real engine and servers. */
export const INTEGRATION_SUITE_TARGETS = ['integration'] as const;

/**
 * Runs the whole suite through Nx and prints one closing line with the totals. The engine set-up
 * (a Go build on a new machine, minutes) runs beside the fast targets, then the integration
 * targets run (their `@platform/engine:setup` dependency finds it done). Nx alone would start the
 * set-up only after every fast task.
 */
export async function runTestSuite(options: { readonly workspaceRoot: string }): Promise<number> {
  rmSync(join(options.workspaceRoot, TEST_RESULTS_DIR), { recursive: true, force: true });
  const [setup, offlineExit] = await Promise.all([
    setupForTests(options.workspaceRoot, (line) => console.log(`[engine setup] ${line}`)).then(
      (result) => ({ ok: true as const, seconds: result.seconds }),
      (error: unknown) => ({ ok: false as const, error: errorMessage(error) }),
    ),
    runNxTargets(options.workspaceRoot, OFFLINE_SUITE_TARGETS),
  ]);
  if (setup.ok) console.log(`[engine setup] ready in ${setup.seconds.toFixed(0)} s`);
  else console.log(`[engine setup] FAILED: ${setup.error}`);
  const integrationExit = setup.ok ? await runNxTargets(options.workspaceRoot, INTEGRATION_SUITE_TARGETS) : 1;
  const results = readTestResults(options.workspaceRoot);
  const totals = sumTotals(results.values());
  console.log(`\n${results.size} test runs (unit and integration, per project), ${totals.files} test files`);
  console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  if (totals.skipped > 0) {
    console.log('A skipped test is a failure to explain: remove the skip or fix the test.');
    return 1;
  }
  return offlineExit === 0 && integrationExit === 0 && totals.failed === 0 && totals.passed > 0 ? 0 : 1;
}
