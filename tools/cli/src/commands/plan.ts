import type { Command } from 'commander';
import { engineCommand, log } from './engine-command';

export function registerPlan(program: Command): void {
  engineCommand(program, 'plan', 'Plan a stack in one environment; saves the plan file and its JSON rendering.').action(
    async (stack: string, options: { env: string }) => {
      const [{ planStack }, { findEstateRoot }] = await Promise.all([import('@platform/deploy'), import('@platform/workspace')]);
      await planStack({ workspaceRoot: findEstateRoot(), stack, environment: options.env, log });
    },
  );
}
