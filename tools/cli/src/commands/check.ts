import type { Command } from 'commander';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('The main job: synth, test and policy-check every stack for every environment, then print a summary table.')
    .option('--json', 'print the summary as JSON instead of Markdown tables')
    .action(async (options: { json?: boolean }) => {
      const { runCheck } = await import('@platform/suite');
      const { findEstateRoot } = await import('@platform/workspace');
      process.exitCode = await runCheck({ workspaceRoot: findEstateRoot(), json: options.json === true });
    });
}
