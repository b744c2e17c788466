import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setupEngine } from '@platform/engine';
import { markdownTable } from '@platform/workspace';
import { planEnvironment } from '@platform/deploy';
import { openStackEngine } from '@platform/deploy';
import { runSynth } from '@platform/synth';
import { dependencyLayers, readStackGraph } from '@platform/workspace';
import { withFixtureStateServer } from '@platform/fixture-estate';
import { seconds } from './timing';

export interface EngineBenchOptions {
  readonly workspaceRoot: string;
  /** Also build everything into an empty cache (minutes: OpenTofu alone takes about 8). */
  readonly cold: boolean;
  readonly log: (line: string) => void;
}

/**
 * Setup (warm, and cold on request) and per-stack init, validate and plan times of the
 * fixture estate against a local S3 server.
 */
export async function runEngineBenchmark(options: EngineBenchOptions): Promise<void> {
  const { workspaceRoot, log } = options;
  const offline = ['hashicorp/local', 'hashicorp/random', 'hashicorp/time'];
  const setupRows: string[][] = [];
  if (options.cold) {
    const cache = mkdtempSync(join(tmpdir(), 'cold-cache-'));
    const previous = process.env.PLATFORM_CACHE_DIR;
    process.env.PLATFORM_CACHE_DIR = cache;
    try {
      const cold = await seconds(() => setupEngine({ workspaceRoot, log: () => {}, providers: offline }));
      setupRows.push(['cold setup (empty cache: OpenTofu, random, time, versitygw)', cold.toFixed(1)]);
    } finally {
      if (previous === undefined) delete process.env.PLATFORM_CACHE_DIR;
      else process.env.PLATFORM_CACHE_DIR = previous;
      rmSync(cache, { recursive: true, force: true });
    }
  }
  await setupEngine({ workspaceRoot, log: () => {}, providers: offline });
  const warm = await seconds(() => setupEngine({ workspaceRoot, log: () => {}, providers: offline }));
  setupRows.push(['warm setup (everything cached)', warm.toFixed(2)]);
  log(markdownTable(['Setup', 'Seconds'], setupRows));
  if (!options.cold) log('(cold setup: npm run bench -- --cold builds into an empty cache; about 12 minutes here)');

  const estate = join(workspaceRoot, 'tools/fixture-estate');
  await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} });
  await withFixtureStateServer(workspaceRoot, async () => {
    const rows: string[][] = [];
    for (const stack of dependencyLayers(readStackGraph(estate)).flat()) {
      let runner!: Awaited<ReturnType<typeof openStackEngine>>['runner'];
      const init = await seconds(async () => {
        runner = (await openStackEngine({ workspaceRoot: estate, stack, environment: 'local', backend: false, log: () => {} })).runner;
      });
      const validate = await seconds(() => runner.validate());
      rows.push([stack, init.toFixed(2), validate.toFixed(2)]);
    }
    let plan!: Awaited<ReturnType<typeof planEnvironment>>;
    const whole = await seconds(async () => {
      plan = await planEnvironment({ workspaceRoot: estate, environment: 'local', log: () => {} });
    });
    for (const row of rows) row.push(plan.stacks.find((s) => s.stack === row[0])!.seconds.toFixed(2));
    log('');
    log('Fixture estate, environment local (S3 backend on the local server), seconds:');
    log(markdownTable(['Stack', 'init (no backend)', 'validate', 'init + plan from zero (S3 backend)'], rows));
    log(`whole-environment plan from zero: ${whole.toFixed(2)} s`);
  });
}
