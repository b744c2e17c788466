import { join } from 'node:path';
import { listStacks, synthOutputDir } from '@platform/workspace';
import { synthesizeAllEnvironments, type StackSynthOutcome } from './synth-stack';
import { replaceFolderAtomically } from './write-output';

export interface SynthCommandOptions {
  readonly workspaceRoot: string;
  /** Stacks to synthesize; every stack when empty. */
  readonly stacks: readonly string[];
  readonly log?: (line: string) => void;
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
    const outcome = await synthesizeAllEnvironments(options.workspaceRoot, stack);
    outcomes.push(outcome);
    if (outcome.ok) {
      const dir = synthOutputDir(stack);
      replaceFolderAtomically(join(options.workspaceRoot, dir), outcome.files);
      const envs = Object.entries(outcome.report.environments)
        .map(([env, result]) => `${env} ${result.resources}`)
        .join(', ');
      log(`✓ ${stack}: ${dir}/<env>/cdk.tf.json (resources: ${envs})`);
    } else {
      log(`✗ ${stack}: nothing written`);
      for (const failure of outcome.failures) {
        log(`  ${failure.environment ? `[${failure.environment}] ` : ''}${failure.message.replace(/\n/g, '\n  ')}`);
      }
    }
  }
  return outcomes;
}
