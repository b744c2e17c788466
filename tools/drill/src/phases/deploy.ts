import { PLAN_FILE } from '@platform/deploy';
import { ExternalError, readStackManifest, runGraph } from '@platform/workspace';
import type { DrillPhaseModule } from '../context';
import { verifyStackOutputs } from '../smoke';

/**
 * Each stack applied from its artifact in dependency order (parallel where the graph allows),
 * then verified at once (outputs and smoke checks, recorded as `verify` steps): the time until
 * the last stack is verified is the RTO.
 */
export const deploy: DrillPhaseModule = {
  phase: 'deploy',
  applies: ({ options }) => options.mode === 'full',
  async run({ recorder, products, engines, concurrency }) {
    const results = await runGraph(
      products.graph,
      async (stack) => {
        const release = products.released.get(stack)!;
        const applied = await recorder.run('deploy', `apply ${stack}@${release.version}`, stack, () =>
          engines.with(stack, async (runner) => {
            const plan = await runner.plan({ out: PLAN_FILE });
            if (plan.hasChanges) await runner.apply(PLAN_FILE);
          }),
        );
        if (!applied.ok) throw applied.error;
        const checks = readStackManifest(products.delivery!.estate, stack).smoke;
        const verified = await recorder.run('verify', `outputs and ${checks.length} smoke check(s)`, stack, () =>
          engines.with(stack, async (runner) => {
            const problems = verifyStackOutputs(release.configuration, await runner.outputs(), checks);
            if (problems.length > 0) throw new ExternalError(problems.join('; '));
          }),
        );
        if (!verified.ok) throw verified.error;
        products.verifiedAt.set(stack, recorder.elapsed());
      },
      { concurrency },
    );
    for (const [stack, result] of results) {
      if (result.status === 'skipped') {
        const why = recorder.interrupted ? 'interrupted' : `not deployed: ${result.blockedBy} failed`;
        recorder.skip('deploy', `apply ${stack}@${products.released.get(stack)!.version}`, stack, why);
      }
    }
    return { proceed: products.verifiedAt.size === products.graph.size && !recorder.interrupted };
  },
};
