import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
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

/**
 * Nx's own process warns when its run-commands executor has added a 13th exit/signal listener
 * (one per task, never removed: 12 stack tasks are enough); its stderr lands inside a task's block.
 */
const NX_OWN_NOISE = /MaxListenersExceededWarning|^\(Use `node --trace-warnings/;

/**
 * The output of each task Nx names under "Failed tasks" in a static run-many log: the lines from
 * its `> nx run <project>:<target>` header up to the next task or Nx's summary.
 */
export function failedTaskLogs(output: string): { readonly task: string; readonly log: string }[] {
  const lines = stripVTControlCharacters(output).split('\n');
  const failedAt = lines.findIndex((line) => /^\s*Failed tasks:\s*$/.test(line));
  if (failedAt < 0) return [];
  const failed = lines
    .slice(failedAt + 1)
    .map((line) => /^\s*- (\S+:\S+)/.exec(line)?.[1])
    .filter((task): task is string => task !== undefined);
  return failed.map((task) => {
    const start = lines.findIndex((line) => new RegExp(`^> nx run ${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`).test(line));
    if (start < 0) return { task, log: '(Nx printed no output for it)' };
    const end = lines.findIndex((line, index) => index > start && (/^> nx run \S+:\S+/.test(line) || /^\s*NX\s{2,}/.test(line)));
    const log = lines.slice(start, end < 0 ? undefined : end).filter((line) => !NX_OWN_NOISE.test(line));
    return { task, log: log.join('\n').trim() };
  });
}
