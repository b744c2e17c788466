import type { Command } from 'commander';
import { wholeNumberOption } from './options';

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('Synthesize stacks for every environment into dist/stacks/<stack>/<env>/cdk.tf.json (all or nothing per stack).')
    .argument('[stacks...]', 'stack names (default: every stack)')
    .option('-j, --jobs <n>', 'processes to spread the stacks over (default: the cores available; each takes 8 stacks at least)', (value: string) => wholeNumberOption('--jobs', value))
    .option('--json', 'print one JSON line per stack as its synth ends (its result and the lines it would print), nothing else')
    .action(async (stacks: string[], options: { jobs?: number; json?: boolean }) => {
      const { describeResult, synthesizeInParallel } = await import('@platform/synth');
      const { findEstateRoot } = await import('@platform/workspace');
      const results = await synthesizeInParallel({
        workspaceRoot: findEstateRoot(),
        stacks,
        ...(options.jobs ? { jobs: options.jobs } : {}),
        ...(options.json
          ? { onResult: (result) => console.log(JSON.stringify({ ...result, lines: describeResult(result) })) }
          : { log: (line) => console.log(line) }),
      });
      if (results.some((result) => !result.ok)) process.exitCode = 1;
    });
}
