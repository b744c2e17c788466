import type { Command } from 'commander';
import { ExternalError } from '@platform/workspace';
import { ENV_OPTION, StateCommandRuntime, storeHelp, type StateCommandContext } from './state-stores';

export function registerStateRestore(program: Command, context: StateCommandContext = {}): void {
  const runtime = new StateCommandRuntime(context);
  program
    .command('state-restore')
    .description('Put the state of an environment back as a snapshot recorded it, after verifying every object; refused while an engine holds a state lock.')
    .requiredOption(...ENV_OPTION)
    .requiredOption('--snapshot <id>', 'snapshot id, e.g. 20261122T051500Z-3f9a (see state-snapshots)')
    .option('--stack <stacks...>', 'only these stacks (default: every stack of the snapshot)')
    .option('--from <spec>', storeHelp('backup'))
    .action(async (options: { env: string; snapshot: string; stack?: string[]; from?: string }) => {
      const { restoreEnvironmentState, verifyRestoredState } = await import('@platform/state');
      await runtime.withStores(options.env, options.from, async ({ environment, state, backup }) => {
        const result = await restoreEnvironmentState({
          environment: environment.name,
          stateConfig: environment.state,
          snapshotId: options.snapshot,
          state,
          backup,
          ...(options.stack ? { stacks: options.stack } : {}),
          log: runtime.print,
        });
        const stacks = result.stacks.map((s) => s.stack);
        const check = await verifyRestoredState({ snapshot: result.snapshot, state, stacks });
        if (!check.ok) {
          const list = check.mismatches.map((m) => `${m.stack} (${m.key}: ${m.actual.slice(0, 12)}, expected ${m.expected.slice(0, 12)})`);
          throw new ExternalError(`the state bucket does not match snapshot ${options.snapshot} after the restore: ${list.join(', ')}`);
        }
        runtime.print(`restored ${stacks.length} stack(s) of ${environment.name} from snapshot ${options.snapshot}; verified against its manifest`);
        runtime.print(`next: plan each stack and expect no changes, e.g. npx nx run ${stacks[0]}:plan:${environment.name}`);
      });
    });
}
