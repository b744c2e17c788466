import { listEnvironments } from '@platform/config';
import { listStacks, markdownTable } from '@platform/workspace';
import { goalTable } from './goals';
import { benchShell, median, nxRunner, seconds as timed } from './timing';

export interface Measurement {
  readonly name: string;
  readonly seconds: readonly number[];
}

export interface SynthBenchOptions {
  readonly workspaceRoot: string;
  readonly runs: number;
  readonly log: (line: string) => void;
}

/**
 * Cold: every synth task runs (Nx cache skipped), one process per stack, all environments
 * of a stack in that process. Warm: the same command with the cache, nothing changed.
 */
export async function runSynthBenchmark(options: SynthBenchOptions): Promise<Measurement[]> {
  const { workspaceRoot, runs, log } = options;
  const shell = benchShell(workspaceRoot);
  // Nx as the platform runs it (node on its bin script); the warm run is also timed through npx,
  // whose own start (npm's) is beside the point of the goal but is what a developer types.
  const runNx = nxRunner(workspaceRoot);
  const stacks = listStacks(workspaceRoot);
  const environments = listEnvironments(workspaceRoot);
  log(`Synth benchmark: ${stacks.length} stacks x ${environments.length} environments = ${stacks.length * environments.length} Terraform JSON files, ${runs} run(s) each, median reported`);

  const measurements: Measurement[] = [];
  const measure = async (name: string, command: () => Promise<unknown>) => {
    const seconds: number[] = [];
    for (let run = 0; run < runs; run++) seconds.push(await timed(command));
    measurements.push({ name, seconds });
    log(`  ${name}: ${median(seconds).toFixed(2)} s`);
  };

  await measure('cold synth, all stacks (nx run-many -t synth --skip-nx-cache)', () => runNx(['run-many', '-t', 'synth', '--skip-nx-cache', '--outputStyle=static']));
  // --skip-nx-cache neither reads nor writes the cache: fill it once, unmeasured.
  await runNx(['run-many', '-t', 'synth', '--outputStyle=static']);
  await measure('warm synth, all stacks (nx run-many -t synth, cached)', () => runNx(['run-many', '-t', 'synth', '--outputStyle=static']));
  await measure('the same through npx (npx nx run-many -t synth, cached)', () => shell`npx nx run-many -t synth --outputStyle=static`);
  await measure('one process, all stacks, no Nx (platform synth)', () => shell`${process.execPath} --import tsx tools/cli/bin/platform.mts synth`);

  log('');
  log(
    markdownTable(
      ['Measurement', 'Median (s)', 'Runs (s)'],
      measurements.map((m) => [m.name, median(m.seconds).toFixed(2), m.seconds.map((s) => s.toFixed(2)).join(', ')]),
    ),
  );
  const files = stacks.length * environments.length;
  const [cold, warm] = measurements.map((m) => median(m.seconds));
  log('');
  log(
    goalTable([
      { measure: `cold synth through Nx, per stack x environment (${files})`, figure: `${(cold! / files).toFixed(2)} s`, goal: '<= 0.20 s', ratio: cold! / files / 0.2 },
      { measure: 'warm synth through Nx (cached), all stacks', figure: `${warm!.toFixed(2)} s`, goal: '<= 2 s', ratio: warm! / 2 },
    ]),
  );
  return measurements;
}
