import { spawnSync } from 'node:child_process';

/**
 * How tests run a TypeScript entry point: `spawnSync(process.execPath, [...TSX, script, ...args])`
 * is what `npx tsx script` runs, without npx and tsx's own CLI process in front of it (two node
 * processes fewer, about a second per call on a 2-core machine). The docs still say `npx tsx`,
 * and the docs test runs it so.
 */
export const TSX = ['--import', 'tsx'] as const;

/**
 * Runs an ES module script in a node process of its own, with tsx, in `cwd`, and returns the
 * JSON its last printed line holds: for what a fresh process loads, which a test file sharing
 * its worker's modules cannot see. JSON, because console.log colours a bare value where
 * FORCE_COLOR is set (Nx sets it for its tasks).
 */
export function lastJsonLineOfScript(cwd: string, script: string): unknown {
  const result = spawnSync(process.execPath, [...TSX, '--input-type=module', '-e', script], { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`the script exited with ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!);
}
