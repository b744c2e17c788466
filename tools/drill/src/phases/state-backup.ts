import { backupEnvironmentState, openStateStore, restoreEnvironmentState, stateObjectKey } from '@platform/state';
import { ExternalError, runGraph } from '@platform/workspace';
import type { DrillPhaseModule } from '../context';

/** Snapshot the drill's state, lose it, restore it, and prove the engine sees no change. */
export const stateBackup: DrillPhaseModule = {
  phase: 'state-backup',
  applies: ({ options }) => options.mode === 'full' && options.backupStore !== undefined,
  async run({ options, target, recorder, products, engines, concurrency }) {
    const backup = options.backupStore!;
    const stateStore = openStateStore(target);
    const stacks = [...products.graph.keys()];
    const snapshot = await recorder.run('state-backup', 'snapshot the state of every stack', undefined, async () => ({
      value: await backupEnvironmentState({ workspaceRoot: products.delivery!.estate, environment: target.name, stacks, state: stateStore, backup, log: () => {} }),
    }));
    if (!snapshot.ok) return { proceed: false };
    const restored = await recorder.run('state-backup', 'lose the state objects, restore them from the snapshot', undefined, async () => {
      for (const stack of stacks) await stateStore.delete!(stateObjectKey(target.state, stack));
      await restoreEnvironmentState({ environment: target.name, stateConfig: target.state, snapshotId: snapshot.value.id, state: stateStore, backup, log: () => {} });
      return { value: undefined };
    });
    if (!restored.ok) return { proceed: false };
    await runGraph(
      products.graph,
      async (stack) => {
        await recorder.run('state-backup', 'plan on the restored state: no changes', stack, () =>
          engines.with(stack, async (runner) => {
            const plan = await runner.plan({ out: 'restored.tfplan' });
            if (plan.hasChanges) {
              throw new ExternalError(
                `the restored state does not match the deployed estate: ${plan.changes.add} to add, ${plan.changes.change} to change, ${plan.changes.remove} to destroy`,
              );
            }
          }),
        );
      },
      { concurrency },
    );
    return { proceed: true };
  },
};
