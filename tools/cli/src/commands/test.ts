import type { Command } from 'commander';

export function registerTest(program: Command): void {
  program
    .command('test')
    .description('The whole test suite: lint, typecheck, unit, stack and policy tests, integration tests with the real engine and servers, and synth of every stack.')
    .action(async () => {
      const { runTestSuite } = await import('@platform/suite');
      const { findEstateRoot } = await import('@platform/workspace');
      process.exitCode = await runTestSuite({ workspaceRoot: findEstateRoot() });
    });
}
