#!/usr/bin/env -S npx tsx
// Entry point of the platform commands; the logic lives in tools/cli/src.
import { Command } from 'commander';
import { findWorkspaceRoot } from '../src/workspace';

const program = new Command('platform')
  .description('Synthesize, check and test the infrastructure stacks of this workspace.')
  .showHelpAfterError();

program
  .command('synth')
  .description('Synthesize stacks for every environment into dist/stacks/<stack>/<env>/cdk.tf.json (all or nothing per stack).')
  .argument('[stacks...]', 'stack names (default: every stack)')
  .action(async (stacks: string[]) => {
    const { runSynth } = await import('../src/synth/synth-command');
    const outcomes = await runSynth({ workspaceRoot: findWorkspaceRoot(), stacks, log: (line) => console.log(line) });
    if (outcomes.some((outcome) => !outcome.ok)) process.exitCode = 1;
  });

program
  .command('check')
  .description('The main job: synth, test and policy-check every stack for every environment, then print a summary table.')
  .option('--json', 'print the summary as JSON instead of Markdown tables')
  .action(async (options: { json?: boolean }) => {
    const { runCheck } = await import('../src/report/check-command');
    process.exitCode = await runCheck({ workspaceRoot: findWorkspaceRoot(), json: options.json === true });
  });

program
  .command('test')
  .description('The whole test suite: lint, typecheck, unit, stack, policy and workspace tests, and synth of every stack.')
  .action(async () => {
    const { runTestSuite } = await import('../src/report/test-command');
    process.exitCode = await runTestSuite({ workspaceRoot: findWorkspaceRoot() });
  });

try {
  await program.parseAsync(process.argv);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
