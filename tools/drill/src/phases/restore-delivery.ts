import { fetchSignedArtifact, loadTrustedKeys } from '@platform/delivery';
import { releasedStackOf } from '@platform/deploy';
import { readStackGraph, UsageError } from '@platform/workspace';
import type { DrillPhaseModule } from '../context';
import { buildDelivery, cloneDelivery } from '../delivery';

/** A fresh clone at the ref, installed and built, and the signed, verified artifact of every promoted version. */
export const restoreDelivery: DrillPhaseModule = {
  phase: 'restore-delivery',
  applies: () => true,
  async run({ options, target, recorder, products, log }) {
    const { versions, released, source } = products;
    const step = await recorder.run('restore-delivery', `clone, install and build the delivery, fetch ${versions.size} artifacts`, undefined, async () => {
      const delivery = await cloneDelivery({ repository: options.repository, estate: options.estate, ref: options.ref ?? 'HEAD', log });
      products.delivery = delivery;
      const fullGraph = readStackGraph(delivery.estate);
      // Only what a key the delivery trusts signed is rebuilt: the store alone is not believed.
      const trusted = loadTrustedKeys(delivery.estate);
      for (const [stack, version] of versions) {
        if (!fullGraph.has(stack)) throw new UsageError(`${stack}@${version} runs in ${source} but the delivery at ${delivery.commit.slice(0, 12)} has no stack '${stack}'`);
        released.set(stack, releasedStackOf(await fetchSignedArtifact(options.store, trusted, stack, version), target.name));
      }
      products.graph = new Map([...fullGraph].filter(([stack]) => versions.has(stack)));
      for (const [stack, upstream] of products.graph) {
        const missing = upstream.filter((u) => !versions.has(u));
        if (missing.length > 0) throw new UsageError(`${stack} reads ${missing.join(', ')}, which ${source} does not run: the estate cannot be rebuilt from ${source}'s releases`);
      }
      await buildDelivery(delivery, [...released.values()], log);
      return { value: undefined };
    });
    return { proceed: step.ok };
  },
};
