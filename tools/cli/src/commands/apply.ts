import type { Command } from 'commander';
import { engineCommand, log } from './engine-command';

export function registerApply(program: Command): void {
  engineCommand(program, 'apply', 'Plan and apply a stack in one environment (the saved plan is what is applied).').action(
    async (stack: string, options: { env: string }) => {
      const [{ applyStack }, { findWorkspaceRoot }] = await Promise.all([import('@platform/deploy'), import('@platform/workspace')]);
      await applyStack({ workspaceRoot: findWorkspaceRoot(), stack, environment: options.env, log });
    },
  );
}
