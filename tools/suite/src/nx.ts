import { $ } from 'zx';
import { runNxToFile } from '@platform/workspace';

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
  const { code, output } = await runNxToFile(workspaceRoot, ['run-many', '-t', targets.join(','), '--outputStyle=static', ...extraArgs], {
    env: { ...process.env, NX_TUI: 'false', NX_SKIP_LOG_GROUPING: 'true' },
    logFile,
  });
  return { exitCode: code ?? 1, output };
}
