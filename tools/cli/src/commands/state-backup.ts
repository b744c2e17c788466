import type { Command } from 'commander';
import { ENV_OPTION, StateCommandRuntime, storeHelp, type StateCommandContext } from './state-stores';

export function registerStateBackup(program: Command, context: StateCommandContext = {}): void {
  const runtime = new StateCommandRuntime(context);
  program
    .command('state-backup')
    .description("Snapshot the state of every stack of an environment into the backup store; a snapshot is never overwritten, and exists once its manifest is written.")
    .requiredOption(...ENV_OPTION)
    .option('--to <spec>', storeHelp('backup'))
    .action(async (options: { env: string; to?: string }) => {
      const { listStacks } = await import('@platform/workspace');
      const { backupEnvironmentState } = await import('@platform/state');
      await runtime.withStores(options.env, options.to, async ({ root, environment, state, backup }) => {
        // Its last line names the snapshot: `snapshot <id> of <env>: …`.
        await backupEnvironmentState({ workspaceRoot: root, environment: environment.name, stacks: listStacks(root), state, backup, log: runtime.print });
      });
    });
}
