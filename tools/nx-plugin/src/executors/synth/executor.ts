import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { SYNTH_ENTRY } from '../../cli-entry';

export interface SynthExecutorOptions {
  readonly stack: string;
}

/** How one stack's synth ended, and what it printed. */
export interface StackSynthEnd {
  readonly stack: string;
  readonly success: boolean;
  readonly terminalOutput: string;
}

/** A line `platform synth --json` prints as a stack's synth ends. */
interface SynthJsonLine {
  readonly stack: string;
  readonly ok: boolean;
  readonly lines: readonly string[];
}

function isSynthJsonLine(value: unknown): value is SynthJsonLine {
  const line = value as Partial<SynthJsonLine> | null;
  return typeof line?.stack === 'string' && typeof line.ok === 'boolean' && Array.isArray(line.lines);
}

/**
 * Runs `platform synth --json <stacks>` in one process (cdktf and the provider bindings load
 * once for all of them) and yields each stack's end as it comes. A stack the process never
 * reported (it crashed, was killed, or refused its arguments) ends in failure with the
 * process's last error output.
 */
export async function* synthesizeInOneProcess(workspaceRoot: string, stacks: readonly string[]): AsyncGenerator<StackSynthEnd> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(workspaceRoot, SYNTH_ENTRY), 'synth', '--json', ...stacks], {
    cwd: workspaceRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ended = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`could not start: ${error.message}`));
    child.once('close', (code, signal) => resolve(signal ? `was killed by ${signal}` : `exited with ${code}`));
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const reported = new Set<string>();
  try {
    for await (const line of createInterface({ input: child.stdout })) {
      if (!line.startsWith('{')) continue;
      const parsed: unknown = JSON.parse(line);
      if (!isSynthJsonLine(parsed) || !stacks.includes(parsed.stack) || reported.has(parsed.stack)) continue;
      reported.add(parsed.stack);
      yield { stack: parsed.stack, success: parsed.ok, terminalOutput: `${parsed.lines.join('\n')}\n` };
    }
    const how = await ended;
    for (const stack of stacks.filter((s) => !reported.has(s))) {
      yield { stack, success: false, terminalOutput: `✗ ${stack}: platform synth ${how} before it synthesized ${stack}\n${stderr.trim() || '(no output)'}\n` };
    }
  } finally {
    // The caller stopped early (Nx interrupted): the process must not outlive it.
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
}

/** One synth task on its own: `nx run <stack>:synth` where no batch applies. */
export default async function synthExecutor(options: SynthExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  let success = false;
  for await (const end of synthesizeInOneProcess(context.root, [options.stack])) {
    process.stdout.write(end.terminalOutput);
    success = end.success;
  }
  return { success };
}

/**
 * The synth tasks of one Nx run, together (Nx's batch mode; `preferBatch` in executors.json):
 * one process synthesizes them all and each task ends as its stack does. Nx still caches and
 * restores each task's outputs on its own.
 */
export async function* batchSynth(
  _taskGraph: TaskGraph,
  inputs: Record<string, SynthExecutorOptions>,
  _overrides: unknown,
  context: ExecutorContext,
): AsyncGenerator<{ task: string; result: { success: boolean; terminalOutput: string } }> {
  const taskOf = new Map(Object.entries(inputs).map(([task, options]) => [options.stack, task]));
  for await (const end of synthesizeInOneProcess(context.root, [...taskOf.keys()])) {
    yield { task: taskOf.get(end.stack)!, result: { success: end.success, terminalOutput: end.terminalOutput } };
  }
}
