import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEnvironmentDrift } from '@platform/drift';
import { applyStack, destroyStack, engineWorkdir } from '@platform/deploy';
import { dependencyLayers, markdownTable, readStackGraph } from '@platform/workspace';
import { runSynth } from '@platform/synth';
import { withFixtureStateServer } from '@platform/fixture-estate';
import { median, seconds } from './timing';

/**
 * Wall time of a drift check of the whole fixture estate (environment local): applied and in
 * sync, then with the file of fixture-edge changed behind the engine's back.
 */
export async function runDriftBenchmark(options: { readonly workspaceRoot: string; readonly runs: number; readonly log: (line: string) => void }): Promise<void> {
  const estate = join(options.workspaceRoot, 'tools/fixture-estate');
  const order = dependencyLayers(readStackGraph(estate)).flat();
  const quiet = () => {};
  await runSynth({ workspaceRoot: estate, stacks: [], log: quiet });
  await withFixtureStateServer(options.workspaceRoot, async () => {
    for (const stack of order) await applyStack({ workspaceRoot: estate, stack, environment: 'local', log: quiet });
    try {
      const check = () => checkEnvironmentDrift({ workspaceRoot: estate, environment: 'local', log: quiet });
      const inSync: number[] = [];
      for (let run = 0; run < options.runs; run++) inSync.push(await seconds(check));
      writeFileSync(join(estate, engineWorkdir('fixture-edge', 'local'), 'site/index.html'), 'changed by the benchmark\n');
      const drifted: number[] = [];
      for (let run = 0; run < options.runs; run++) drifted.push(await seconds(check));
      options.log(`Drift check of the fixture estate (${order.length} stacks, environment local), ${options.runs} run(s), median seconds:`);
      options.log(
        markdownTable(
          ['Estate', 'Median', 'Runs'],
          [
            ['in sync', median(inSync).toFixed(2), inSync.map((s) => s.toFixed(2)).join(', ')],
            ['one resource drifted', median(drifted).toFixed(2), drifted.map((s) => s.toFixed(2)).join(', ')],
          ],
        ),
      );
    } finally {
      for (const stack of [...order].reverse()) await destroyStack({ workspaceRoot: estate, stack, environment: 'local', log: quiet });
    }
  });
}
