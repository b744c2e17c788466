import { join } from 'node:path';
import { listStacks, synthOutputDir } from '@platform/workspace';
import { synthesizeAllEnvironments, type StackSynthOutcome, type SynthFailure } from './synth-stack';
import { replaceFolderAtomically } from './write-output';

export interface SynthCommandOptions {
  readonly workspaceRoot: string;
  /** Stacks to synthesize; every stack when empty. */
  readonly stacks: readonly string[];
  /**
   * The environments and settings, and where the output goes (its dist/stacks), when not the
   * workspace's: a base commit whose code is the workspace's and whose settings differ.
   */
  readonly settingsRoot?: string;
  readonly log?: (line: string) => void;
  /** Called as each stack's synth ends, before the next begins. */
  readonly onResult?: (result: StackSynthResult) => void;
}

/** What a synth of one stack came to, without its files (they are in dist/stacks once written). */
export type StackSynthResult =
  | { readonly stack: string; readonly ok: true; readonly resources: Readonly<Record<string, number>> }
  | { readonly stack: string; readonly ok: false; readonly failures: readonly SynthFailure[] };

export function resultOf(outcome: StackSynthOutcome): StackSynthResult {
  if (!outcome.ok) return { stack: outcome.stack, ok: false, failures: outcome.failures };
  const resources = Object.fromEntries(Object.entries(outcome.report.environments).map(([env, result]) => [env, result.resources]));
  return { stack: outcome.report.stack, ok: true, resources };
}

/** The lines a synth prints for one stack: where it wrote, or why nothing was written. */
export function describeResult(result: StackSynthResult): string[] {
  if (result.ok) {
    const envs = Object.entries(result.resources)
      .map(([env, resources]) => `${env} ${resources}`)
      .join(', ');
    return [`✓ ${result.stack}: ${synthOutputDir(result.stack)}/<env>/cdk.tf.json (resources: ${envs})`];
  }
  return [
    `✗ ${result.stack}: nothing written`,
    ...result.failures.map((failure) => `  ${failure.environment ? `[${failure.environment}] ` : ''}${failure.message.replace(/\n/g, '\n  ')}`),
  ];
}

/**
 * Synthesizes each stack for every environment and writes dist/stacks/<stack>/ only when all
 * of that stack's environments succeeded. Returns every outcome; the caller sets the exit code.
 */
export async function runSynth(options: SynthCommandOptions): Promise<StackSynthOutcome[]> {
  const log = options.log ?? (() => {});
  const stacks = options.stacks.length > 0 ? options.stacks : listStacks(options.workspaceRoot);
  const outcomes: StackSynthOutcome[] = [];
  for (const stack of stacks) {
    const outcome = await synthesizeAllEnvironments(options.workspaceRoot, stack, options.settingsRoot);
    outcomes.push(outcome);
    if (outcome.ok) replaceFolderAtomically(join(options.settingsRoot ?? options.workspaceRoot, synthOutputDir(stack)), outcome.files);
    const result = resultOf(outcome);
    for (const line of describeResult(result)) log(line);
    options.onResult?.(result);
  }
  return outcomes;
}
