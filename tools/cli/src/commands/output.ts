import type { Command } from 'commander';
import { engineCommand } from './engine-command';

export function registerOutput(program: Command): void {
  engineCommand(program, 'output', 'Print the outputs of a stack in one environment as JSON.').action(
    async (stack: string, options: { env: string }) => {
      const [{ outputStack }, { findEstateRoot }] = await Promise.all([import('@platform/deploy'), import('@platform/workspace')]);
      const outputs = await outputStack({ workspaceRoot: findEstateRoot(), stack, environment: options.env, log: (line) => console.error(line) });
      console.log(JSON.stringify(outputs, null, 2));
    },
  );
}
