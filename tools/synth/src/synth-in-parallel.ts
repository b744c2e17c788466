import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ExternalError, findWorkspaceRoot, listStacks } from '@platform/workspace';
import { describeResult, resultOf, runSynth, type StackSynthResult } from './synth-command';

/**
 * A worker costs a process start and a load of cdktf and the provider bindings (about 1.5 s on
 * a 2-core runner) and a GCP stack takes about 0.25 s for its four environments, so a worker
 * earns its start back from about 6 stacks. On the 10-stack estate one process took 3.99 s and
 * two 4.46 s (`platform synth --jobs 1|2`).
 */
export const STACKS_PER_WORKER = 8;

const WORKER = join(import.meta.dirname, 'synth-worker.ts');

export interface ParallelSynthOptions {
  readonly workspaceRoot: string;
  /** Stacks to synthesize; every stack when empty. */
  readonly stacks: readonly string[];
  /** Processes at most, this one included (default: the cores available). */
  readonly jobs?: number;
  /** The fewest stacks worth a process (default STACKS_PER_WORKER). */
  readonly stacksPerWorker?: number;
  readonly log?: (line: string) => void;
  /** Called as each stack's synth ends, in whichever process it ran. */
  readonly onResult?: (result: StackSynthResult) => void;
}

/** Deals the stacks out to `slices` slices in turn, so that each gets a like share of them. */
export function dealStacks(stacks: readonly string[], slices: number): string[][] {
  const dealt: string[][] = Array.from({ length: slices }, () => []);
  stacks.forEach((stack, index) => dealt[index % slices]!.push(stack));
  return dealt.filter((slice) => slice.length > 0);
}

/** How many processes to use for `count` stacks, given at most `jobs`. */
export function workersFor(count: number, jobs: number, stacksPerWorker = STACKS_PER_WORKER): number {
  return Math.max(1, Math.min(jobs, Math.floor(count / stacksPerWorker)));
}

function runWorker(
  workspaceRoot: string,
  stacks: readonly string[],
  log: (line: string) => void,
  onResult: (result: StackSynthResult) => void,
): Promise<StackSynthResult[]> {
  return new Promise((resolve, reject) => {
    // Run from the repository this code is in, whose tsconfig maps the @platform/* imports.
    const cwd = findWorkspaceRoot(import.meta.dirname);
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, workspaceRoot, ...stacks], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const results: StackSynthResult[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const result = JSON.parse(line) as StackSynthResult;
      results.push(result);
      for (const text of describeResult(result)) log(text);
      onResult(result);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const missing = stacks.filter((stack) => !results.some((r) => r.stack === stack));
      if (missing.length === 0) resolve(results);
      else reject(new ExternalError(`a synth worker ${signal ? `was killed by ${signal}` : `exited with ${code}`} before it synthesized ${missing.join(', ')}: ${stderr.trim() || '(no output)'}`));
    });
  });
}

/**
 * Synthesizes the stacks as `runSynth` does (all or nothing per stack, into dist/stacks), spread
 * over up to `jobs` processes: this one takes a share itself and workers take the others, each
 * loading cdktf once for all of its stacks. Results come in the order of the stacks given.
 */
export async function synthesizeInParallel(options: ParallelSynthOptions): Promise<StackSynthResult[]> {
  const log = options.log ?? (() => {});
  const onResult = options.onResult ?? (() => {});
  const stacks = options.stacks.length > 0 ? [...options.stacks] : listStacks(options.workspaceRoot);
  if (stacks.length === 0) return [];
  const [own, ...others] = dealStacks(stacks, workersFor(stacks.length, options.jobs ?? availableParallelism(), options.stacksPerWorker));
  // Started before this process synthesizes its own share; settled at once so that a worker
  // failing meanwhile is reported below, not as an unhandled rejection.
  const workers = others.map((slice) =>
    runWorker(options.workspaceRoot, slice, log, onResult).then(
      (results) => ({ results }),
      (error: unknown) => ({ error }),
    ),
  );
  const here = (await runSynth({ workspaceRoot: options.workspaceRoot, stacks: own!, log, onResult })).map(resultOf);
  const settled = await Promise.all(workers);
  const failed = settled.find((s): s is { error: unknown } => 'error' in s);
  if (failed) throw failed.error;
  const byStack = new Map([...here, ...settled.flatMap((s) => ('results' in s ? s.results : []))].map((result) => [result.stack, result]));
  return stacks.map((stack) => byStack.get(stack)!);
}
