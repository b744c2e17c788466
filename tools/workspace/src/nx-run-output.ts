import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { nxCommand } from '@platform/config';

// Readers of what `nx run-many --outputStyle=static` prints (with NX_SKIP_LOG_GROUPING=true on
// GitHub Actions, where Nx would otherwise wrap each task in a log group).

/**
 * Nx's own process warns when its run-commands executor has added a 13th exit/signal listener
 * (one per task, never removed: 12 stack tasks are enough); its stderr lands inside a task's block.
 */
const NX_OWN_NOISE = /MaxListenersExceededWarning|^\(Use `node --trace-warnings/;

/**
 * The output of each task Nx names under "Failed tasks" in a static run-many log: the lines from
 * its `> nx run <project>:<target>` header up to the next task or Nx's summary. A batch task's
 * header comes twice (as it starts and as it ends, the output under the second): one header,
 * then what came under each.
 */
export function failedTaskLogs(output: string): { readonly task: string; readonly log: string }[] {
  const lines = stripVTControlCharacters(output).split('\n');
  const failedAt = lines.findIndex((line) => /^\s*Failed tasks:\s*$/.test(line));
  if (failedAt < 0) return [];
  const failed = lines
    .slice(failedAt + 1)
    .map((line) => /^\s*- (\S+:\S+)/.exec(line)?.[1])
    .filter((task): task is string => task !== undefined);
  const isBoundary = (line: string) => /^> nx run \S+:\S+/.test(line) || /^\s*NX\s{2,}/.test(line);
  return failed.map((task) => {
    const header = new RegExp(`^> nx run ${task.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s|$)`);
    const starts = lines.flatMap((line, index) => (header.test(line) ? [index] : []));
    if (starts.length === 0) return { task, log: '(Nx printed no output for it)' };
    const bodies = starts.flatMap((start) => {
      const end = lines.findIndex((line, index) => index > start && isBoundary(line));
      return lines.slice(start + 1, end < 0 ? undefined : end).filter((line) => !NX_OWN_NOISE.test(line));
    });
    return { task, log: [lines[starts[0]!]!, ...bodies].join('\n').replace(/\n{3,}/g, '\n\n').trim() };
  });
}

/** How a task of an Nx run came to its result: it ran, or its outputs came from a cache. */
export type NxTaskSource = 'ran' | 'local cache' | 'remote cache' | 'existing outputs';

const SOURCES: Readonly<Record<string, NxTaskSource>> = {
  'local cache': 'local cache',
  'remote cache': 'remote cache',
  'existing outputs match the cache, left as is': 'existing outputs',
};

/** Each task of a static run-many log, by the header Nx prints above its output. */
export function taskSources(output: string): Map<string, NxTaskSource> {
  const sources = new Map<string, NxTaskSource>();
  for (const line of stripVTControlCharacters(output).split('\n')) {
    const header = /^> nx run (\S+:\S+)(?:\s+\[(.+)\])?\s*$/.exec(line);
    if (header) sources.set(header[1]!, header[2] === undefined ? 'ran' : (SOURCES[header[2]] ?? 'ran'));
  }
  return sources;
}

/**
 * Runs Nx (the workspace's own, `nxCommand`) with its output, stdout and stderr in the order
 * written, going to a file, then reads it: `logFile`, which stays, or a temporary one. Nx ends
 * run-many with process.exit(), which on a pipe can drop the end of a long output (the list of
 * failed tasks with it); a file takes every write at once.
 */
export async function runNxToFile(
  workspaceRoot: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly logFile?: string } = {},
): Promise<{ readonly code: number | null; readonly output: string }> {
  const nx = nxCommand(workspaceRoot, args);
  const temporary = options.logFile === undefined ? mkdtempSync(join(tmpdir(), 'nx-run-')) : undefined;
  const file = options.logFile ?? join(temporary!, 'nx.log');
  mkdirSync(dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(nx.command, nx.args, { cwd: workspaceRoot, env: options.env ?? process.env, stdio: ['ignore', fd, fd] });
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    return { code, output: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
    if (temporary) rmSync(temporary, { recursive: true, force: true });
  }
}
