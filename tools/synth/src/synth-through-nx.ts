import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StackSynthReport } from '@platform/core';
import { nxChildEnvironment } from '@platform/config';
import { ExternalError, failedTaskLogs, listStacks, runNxToFile, synthOutputDir, taskSources, type NxTaskSource } from '@platform/workspace';
import { describeResult, resultOf, type StackSynthResult } from './synth-command';
import { STACKS_PER_WORKER, synthesizeInParallel, type ParallelSynthOptions } from './synth-in-parallel';

/**
 * From this many stacks, a synth that needs a process of its own (the base's: about 4 s to start
 * and load cdktf on a 2-core runner) goes through Nx when the estate is its workspace: Nx's
 * start and hashing cost about 2 s, and the stacks its cache holds are restored rather than
 * synthesized (0.15 to 0.25 s each). Measured with 10 stacks, all in the cache: 2.0 s through
 * Nx against 7.6 s in a process (`npm run bench -- --only affected`).
 */
export const NX_SYNTH_MIN_STACKS = STACKS_PER_WORKER;

/**
 * From this many stacks, a synth in a process that has the synth code loaded already (the
 * head's) goes through Nx: with 10 stacks it synthesized them in 1.6 s, Nx restored them in 1.9 s;
 * with 210, 8.4 s against 2.5 s.
 */
export const NX_SYNTH_MIN_STACKS_LOADED = 2 * STACKS_PER_WORKER;

/**
 * Whether a synth of `count` stacks in this estate is worth a run through Nx's cache; `loaded`:
 * this process has the synth code loaded and would synthesize them itself.
 */
export function synthThroughNxPays(workspaceRoot: string, count: number, options: { readonly loaded: boolean }): boolean {
  return count >= (options.loaded ? NX_SYNTH_MIN_STACKS_LOADED : NX_SYNTH_MIN_STACKS) && existsSync(join(workspaceRoot, 'nx.json'));
}

export interface NxSynthOptions {
  /** An Nx workspace whose stacks are its projects. */
  readonly workspaceRoot: string;
  /** Stacks to synthesize; every stack when empty. */
  readonly stacks: readonly string[];
  /**
   * Variables for Nx beyond the caller's (e.g. its own NX_CACHE_DIRECTORY). The caller's
   * self-hosted remote cache (NX_SELF_HOSTED_REMOTE_CACHE_*) is kept: its outputs are reused.
   */
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
}

export interface NxSynthRun {
  /** In the order of the stacks given; a success carries the resources its synth.json records. */
  readonly results: readonly StackSynthResult[];
  /** Where each stack's output came from: synthesized, or restored from a cache. */
  readonly sources: ReadonlyMap<string, NxTaskSource>;
}

function resultFromOutput(workspaceRoot: string, stack: string): StackSynthResult {
  const file = join(workspaceRoot, synthOutputDir(stack), 'synth.json');
  if (!existsSync(file)) return { stack, ok: false, failures: [{ message: `Nx reported ${stack}:synth done but ${synthOutputDir(stack)}/synth.json is missing` }] };
  const report = JSON.parse(readFileSync(file, 'utf8')) as StackSynthReport;
  return resultOf({ ok: true, report, files: new Map() });
}

/**
 * Synthesizes the stacks with `nx run-many -t synth`: a stack whose synth inputs Nx has seen
 * (in this workspace's cache or the runners' remote cache) gets its outputs restored, the
 * others are synthesized by the synth executor (one process for all of them). The outputs land
 * in dist/stacks as a synth in this process writes them. A stack whose synth fails is reported
 * with what its task printed; a failure of Nx itself (no task list), or a name that is not a
 * stack, is an ExternalError.
 */
export async function synthesizeThroughNx(options: NxSynthOptions): Promise<NxSynthRun> {
  const estate = listStacks(options.workspaceRoot);
  const stacks = options.stacks.length > 0 ? [...options.stacks] : estate;
  if (stacks.length === 0) return { results: [], sources: new Map() };
  const known = new Set(estate);
  const unknown = stacks.filter((stack) => !known.has(stack));
  if (unknown.length > 0) throw new ExternalError(`not stacks of ${options.workspaceRoot}: ${unknown.join(', ')}`);
  const args = ['run-many', '-t', 'synth', `--projects=${stacks.join(',')}`, '--outputStyle=static'];
  const { code, output } = await runNxToFile(options.workspaceRoot, args, {
    env: {
      ...nxChildEnvironment(process.env, { remoteCache: true }),
      // Every task's header as one line, as the readers of the output expect (GitHub Actions would group them).
      NX_SKIP_LOG_GROUPING: 'true',
      ...options.env,
    },
  });
  const failed = new Map(failedTaskLogs(output).map(({ task, log }) => [task.replace(/:synth$/, ''), log]));
  if (code !== 0 && failed.size === 0) {
    throw new ExternalError(`nx ${args.slice(0, 3).join(' ')} (${stacks.length} stacks) failed: ${output.trim().split('\n').slice(-20).join('\n')}`);
  }
  const sources = new Map([...taskSources(output)].filter(([task]) => task.endsWith(':synth')).map(([task, source]) => [task.replace(/:synth$/, ''), source]));
  const results = stacks.map((stack): StackSynthResult => {
    const log = failed.get(stack);
    if (log === undefined) return resultFromOutput(options.workspaceRoot, stack);
    // What the synth printed under the task's header (describeResult's lines), without the header and the line naming the stack.
    const [nothingWritten] = describeResult({ stack, ok: false, failures: [] });
    const printed = log
      .split('\n')
      .slice(1)
      .filter((line) => line.trim() !== '' && line !== nothingWritten)
      .map((line) => line.trim())
      .join('\n');
    return { stack, ok: false, failures: [{ message: printed || `nx run ${stack}:synth failed and printed nothing` }] };
  });
  const count = (wanted: NxTaskSource) => [...sources.values()].filter((source) => source === wanted).length;
  const local = count('local cache') + count('existing outputs');
  options.log?.(`synth through Nx: ${stacks.length} stacks; ${count('remote cache')} restored from the remote cache, ${local} from the local one, ${count('ran')} synthesized`);
  return { results, sources };
}

/**
 * `synthesizeInParallel`'s results, through Nx where that pays (`synthThroughNxPays`): a change's
 * synth of many stacks then reuses what the cache holds for their inputs, as the synth targets
 * of CI do. The outcome is the same either way: the outputs in dist/stacks and a result per stack.
 */
export async function synthesizeReusingNxCache(options: ParallelSynthOptions): Promise<StackSynthResult[]> {
  const count = options.stacks.length > 0 ? options.stacks.length : listStacks(options.workspaceRoot).length;
  if (!synthThroughNxPays(options.workspaceRoot, count, { loaded: true })) return synthesizeInParallel(options);
  const { results } = await synthesizeThroughNx({ workspaceRoot: options.workspaceRoot, stacks: options.stacks, ...(options.log ? { log: options.log } : {}) });
  for (const result of results) {
    for (const line of describeResult(result)) options.log?.(line);
    options.onResult?.(result);
  }
  return [...results];
}
