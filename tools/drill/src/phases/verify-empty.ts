import { ExternalError, runGraph } from '@platform/workspace';
import type { DrillPhaseModule } from '../context';

/** Nothing is left in the state of any stack after the teardown. */
export const verifyEmpty: DrillPhaseModule = {
  phase: 'verify-empty',
  applies: ({ options }) => options.mode === 'full',
  async run({ recorder, products, engines, concurrency }) {
    await runGraph(
      products.graph,
      async (stack) => {
        await recorder.run(
          'verify-empty',
          'nothing left in state',
          stack,
          () =>
            engines.with(stack, async (runner) => {
              const addresses = await runner.stateAddresses();
              if (addresses.length > 0) {
                products.leftInState[stack] = addresses;
                throw new ExternalError(`${addresses.length} resource(s) left in state: ${addresses.join(', ')}`);
              }
            }),
          { evenIfInterrupted: true },
        );
      },
      { concurrency, continueOnFailure: true },
    );
    return { proceed: true };
  },
};
