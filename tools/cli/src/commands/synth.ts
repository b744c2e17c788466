import type { Command } from 'commander';

export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('Synthesize stacks for every environment into dist/stacks/<stack>/<env>/cdk.tf.json (all or nothing per stack).')
    .argument('[stacks...]', 'stack names (default: every stack)')
    .action(async (stacks: string[]) => {
      const { runSynth } = await import('@platform/synth');
      const { findEstateRoot } = await import('@platform/workspace');
      const outcomes = await runSynth({ workspaceRoot: findEstateRoot(), stacks, log: (line) => console.log(line) });
      if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = 1;
    });
}
