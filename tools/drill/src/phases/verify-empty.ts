import { ExternalError } from '@platform/workspace';
import { teardownEachStack, type DrillPhaseModule } from '../context';

/** Nothing is left in the state of any stack after the teardown. */
export const verifyEmpty: DrillPhaseModule = {
  phase: 'verify-empty',
  applies: ({ options }) => options.mode !== 'plan-only',
  async run(context) {
    await teardownEachStack(context, 'verify-empty', 'nothing left in state', async (runner, stack) => {
      const addresses = await runner.stateAddresses();
      if (addresses.length > 0) {
        context.products.leftInState[stack] = addresses;
        throw new ExternalError(`${addresses.length} resource(s) left in state: ${addresses.join(', ')}`);
      }
    });
    return { proceed: true };
  },
};
