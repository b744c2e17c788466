import type { Command } from 'commander';
import { stackArgument } from './options';
import { log } from './engine-command';

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('Validate a synthesized stack with the engine in every environment (init -backend=false, validate -json).')
    .addArgument(stackArgument('stack name'))
    .action(async (stack: string) => {
      const [{ validateStack }, { findEstateRoot }] = await Promise.all([import('@platform/deploy'), import('@platform/workspace')]);
      const results = await validateStack({ workspaceRoot: findEstateRoot(), stack, log });
      if (results.some((r) => !r.valid)) process.exitCode = 1;
    });
}
