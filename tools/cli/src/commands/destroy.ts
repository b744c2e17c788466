import type { Command } from 'commander';
import { engineCommand, log } from './engine-command';

export function registerDestroy(program: Command): void {
  engineCommand(program, 'destroy', 'Destroy a stack in one environment; staging and production need --break-glass.')
    .option('--break-glass', 'allow destroying a staging or production environment (recorded in the output)')
    .action(async (stack: string, options: { env: string; breakGlass?: boolean }) => {
      const [{ destroyStack }, { findWorkspaceRoot }] = await Promise.all([import('@platform/deploy'), import('@platform/workspace')]);
      await destroyStack({ workspaceRoot: findWorkspaceRoot(), stack, environment: options.env, breakGlass: options.breakGlass === true, log });
    });
}
