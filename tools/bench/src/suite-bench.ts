import { markdownTable } from '@platform/workspace';
import { median, nxRunner, seconds as timed } from './timing';

export interface SuiteBenchOptions {
  readonly workspaceRoot: string;
  readonly runs: number;
  readonly log: (line: string) => void;
}

/** The suite's targets whose tasks of one Nx run share a process (the plugin's batch executors). */
const BATCHED_TARGETS = ['lint', 'typecheck', 'test'] as const;

/**
 * The lint, typecheck and unit test targets of every project, cache skipped: one process per task
 * (`--batch=false`, what `eslint <folder>`, `tsc -p` and `vitest run <root>/` per project cost) against the batch that
 * Nx runs by default (one ESLint, one TypeScript program, one Vitest for all the tasks of the run).
 */
export async function runSuiteBenchmark(options: SuiteBenchOptions): Promise<void> {
  const { workspaceRoot, runs, log } = options;
  const runNx = nxRunner(workspaceRoot);
  log(`Suite benchmark: ${BATCHED_TARGETS.join(', ')} of every project, Nx cache skipped, ${runs} run(s) each, median reported`);
  const rows: string[][] = [];
  for (const target of BATCHED_TARGETS) {
    const time = async (extra: string[]) => {
      const runsSeconds: number[] = [];
      for (let run = 0; run < runs; run++) runsSeconds.push(await timed(() => runNx(['run-many', '-t', target, '--skip-nx-cache', '--outputStyle=static', ...extra])));
      return median(runsSeconds);
    };
    const separate = await time(['--batch=false']);
    const together = await time([]);
    log(`  ${target}: ${separate.toFixed(1)} s one process per task, ${together.toFixed(1)} s together`);
    rows.push([target, separate.toFixed(1), together.toFixed(1), (together / separate).toFixed(2)]);
  }
  log('');
  log(markdownTable(['Target (every project)', 'One process per task (s)', 'Together, batch (s)', 'Together / per task'], rows));
}
