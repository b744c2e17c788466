import { setupEngine } from '@platform/engine';
import { runtimeStoreFromEnv } from '@platform/deploy';
import { openStateStore } from '@platform/state';
import type { DrillPhaseModule } from '../context';
import { promotedVersions } from '../delivery';
import { defaultDrillSource } from '../environment';

/** The source's releases, the engine, the artifact store and the state store are reachable. */
export const preflight: DrillPhaseModule = {
  phase: 'preflight',
  applies: () => true,
  async run({ options, target, recorder, products, estateInRepository }) {
    const step = await recorder.run('preflight', 'drill environment, source, engine, state and artifact store reachable', undefined, async () => {
      products.source ||= defaultDrillSource(estateInRepository);
      for (const [stack, version] of promotedVersions(estateInRepository, products.source)) products.versions.set(stack, version);
      if (target.state.backend === 's3' && target.state.endpoint === 'runtime') runtimeStoreFromEnv(target);
      await setupEngine({ workspaceRoot: options.repository, log: () => {}, providers: [] });
      await options.store.list('artifacts/');
      if (options.mode !== 'plan-only') await openStateStore(target).list(`${target.state.prefix}/`);
      return { value: undefined };
    });
    return { proceed: step.ok };
  },
};
