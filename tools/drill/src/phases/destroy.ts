import { teardownEachStack, type DrillPhaseModule } from '../context';

/** Every released stack destroyed in reverse order, deployed in this run or not (an earlier drill may have left some). */
export const destroy: DrillPhaseModule = {
  phase: 'destroy',
  applies: ({ options }) => options.mode !== 'plan-only',
  async run(context) {
    await teardownEachStack(
      context,
      'destroy',
      'destroy',
      async (runner) => {
        if ((await runner.stateAddresses()).length === 0) return;
        await runner.destroy();
      },
      { reverse: true },
    );
    return { proceed: true };
  },
};
