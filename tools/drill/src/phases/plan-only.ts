import { planEnvironment } from '@platform/deploy';
import type { DrillPhaseModule } from '../context';

/** `--plan-only`: the whole estate planned from zero from the artifacts, nothing applied. */
export const planOnly: DrillPhaseModule = {
  phase: 'deploy',
  applies: ({ options }) => options.mode === 'plan-only',
  async run({ target, recorder, products, engines, log }) {
    await recorder.run('deploy', 'plan the whole estate from zero', undefined, async () => {
      const plan = await planEnvironment({ workspaceRoot: products.delivery!.estate, environment: target.name, releases: products.released, drillRunSuffix: engines.drillRunSuffix, log });
      return { value: plan, engineSeconds: plan.stacks.reduce((sum, s) => sum + s.seconds, 0) };
    });
    return { proceed: false };
  },
};
