import type { Command } from 'commander';
import { closeStores, ENV_OPTION, StateCommandRuntime, storeHelp, type StateCommandContext } from './state-stores';

export function registerStateSnapshots(program: Command, context: StateCommandContext = {}): void {
  const runtime = new StateCommandRuntime(context);
  program
    .command('state-snapshots')
    .description('List the complete state snapshots of an environment, oldest first.')
    .requiredOption(...ENV_OPTION)
    .option('--from <spec>', storeHelp('backup'))
    .option('--json', 'print the manifests as JSON')
    .action(async (options: { env: string; from?: string; json?: boolean }) => {
      const [{ listStateSnapshots, isAbsent }, { loadEnvironment }] = await Promise.all([import('@platform/state'), import('@platform/config')]);
      const root = await runtime.workspaceRoot();
      const backup = await runtime.openBackupStore(options.from, root, loadEnvironment(root, options.env));
      try {
        const snapshots = await listStateSnapshots(backup, options.env);
        if (options.json) {
          runtime.print(JSON.stringify(snapshots, null, 2));
          return;
        }
        if (snapshots.length === 0) {
          runtime.print(`no state snapshots of ${options.env} in ${backup.location}`);
          return;
        }
        for (const snapshot of snapshots) {
          const entries = Object.values(snapshot.stacks);
          const absent = entries.filter(isAbsent).length;
          runtime.print(`${snapshot.id}  ${snapshot.takenAt}  ${entries.length - absent} state(s), ${absent} absent`);
        }
      } finally {
        closeStores(backup);
      }
    });
}
