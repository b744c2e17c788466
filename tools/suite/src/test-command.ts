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

/** A set-up that takes longer than this is a build: the fast targets run beside it. */
const CACHED_SETUP_MS = 10_000;

type SetupOutcome = { readonly ok: true; readonly seconds: number } | { readonly ok: false; readonly error: string };

/**
 * Runs the whole suite through Nx and prints one closing line with the totals. With the engine
 * in the cache, every target runs in one Nx run. Otherwise the set-up (a Go build on a new
 * machine, minutes) runs beside the fast targets, and the integration targets follow (their
 * `@platform/engine:setup` dependency then finds it done): Nx alone would start the set-up only
 * after every fast task.
 */
export async function runTestSuite(options: { readonly workspaceRoot: string }): Promise<number> {
  rmSync(join(options.workspaceRoot, TEST_RESULTS_DIR), { recursive: true, force: true });
  const setup: Promise<SetupOutcome> = setupForTests(options.workspaceRoot, (line) => console.log(`[engine setup] ${line}`)).then(
    (result) => ({ ok: true, seconds: result.seconds }),
    (error: unknown) => ({ ok: false, error: errorMessage(error) }),
  );
  const cached = await Promise.race([setup, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), CACHED_SETUP_MS).unref())]);
  let exitCodes: number[];
  if (cached?.ok) {
    exitCodes = [await runNxTargets(options.workspaceRoot, [...OFFLINE_SUITE_TARGETS, ...INTEGRATION_SUITE_TARGETS])];
  } else {
    const [built, offlineExit] = await Promise.all([setup, runNxTargets(options.workspaceRoot, OFFLINE_SUITE_TARGETS)]);
    if (built.ok) console.log(`[engine setup] ready in ${built.seconds.toFixed(0)} s`);
    else console.log(`[engine setup] FAILED: ${built.error}`);
    exitCodes = [offlineExit, built.ok ? await runNxTargets(options.workspaceRoot, INTEGRATION_SUITE_TARGETS) : 1];
  }
  const results = readTestResults(options.workspaceRoot);
  const totals = sumTotals(results.values());
  console.log(`\n${results.size} test runs (unit and integration, per project), ${totals.files} test files`);
  console.log(`Tests: ${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  if (totals.skipped > 0) {
    console.log('A skipped test is a failure to explain: remove the skip or fix the test.');
    return 1;
  }
  return exitCodes.every((code) => code === 0) && totals.failed === 0 && totals.passed > 0 ? 0 : 1;
}
