import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { $ } from 'zx';

/**
 * Runs targets through Nx so that its cache and task graph apply. Output streams to the
 * terminal; the exit code is the answer.
 */
export async function runNxTargets(
  workspaceRoot: string,
  targets: readonly string[],
  extraArgs: readonly string[] = [],
): Promise<number> {
  const result = await $({ cwd: workspaceRoot, nothrow: true, stdio: 'inherit', env: { ...process.env, NX_TUI: 'false' } })`npx nx run-many -t ${targets.join(',')} --outputStyle=static ${extraArgs}`;
  return result.exitCode ?? 1;
}

/**
 * `runNxTargets` with Nx's output kept out of the terminal: it goes to `logFile` whole, and is
 * returned, so the caller can show progress of its own and the logs of the tasks that failed.
 */
export async function runNxTargetsToLog(
  workspaceRoot: string,
  targets: readonly string[],
  extraArgs: readonly string[],
  logFile: string,
): Promise<{ readonly exitCode: number; readonly output: string }> {
  const result = await $({ cwd: workspaceRoot, nothrow: true, quiet: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NX_TUI: 'false' } })`npx nx run-many -t ${targets.join(',')} --outputStyle=static ${extraArgs}`;
  // stdout and stderr in the order Nx wrote them.
  const output = result.stdall;
  mkdirSync(dirname(logFile), { recursive: true });
  writeFileSync(logFile, output);
  return { exitCode: result.exitCode ?? 1, output };
}
