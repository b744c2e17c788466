import { runGraph } from '@platform/workspace';
import type { DrillPhaseModule } from '../context';

/** Every released stack destroyed in reverse order, deployed in this run or not (an earlier drill may have left some). */
export const destroy: DrillPhaseModule = {
  phase: 'destroy',
  applies: ({ options }) => options.mode === 'full',
  async run({ recorder, products, engines, concurrency }) {
    await runGraph(
      products.graph,
      async (stack) => {
        await recorder.run(
          'destroy',
          'destroy',
          stack,
          () =>
            engines.with(stack, async (runner) => {
              if ((await runner.stateAddresses()).length === 0) return;
              await runner.destroy();
            }),
          { evenIfInterrupted: true },
        );
      },
      { concurrency, reverse: true, continueOnFailure: true },
    );
    return { proceed: true };
  },
};
