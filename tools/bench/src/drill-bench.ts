import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalDirectoryStore } from '@platform/store';
import { removeWorkspaceCopy } from '@platform/testing';
import { DRILL_PHASES, type DrillReport, runDrill } from '@platform/drill';
import { ExternalError, markdownTable } from '@platform/workspace';
import { FIXTURE_ESTATE, releaseFixtureEstate, withFixtureStateServer } from '@platform/fixture-estate';
import { median } from './timing';

/**
 * Full drills of the fixture estate (fx-prod rebuilt into local): wall time, RTO, time in the
 * engine and the rest (orchestration: cloning, setup, store, scheduling), per phase.
 */
export async function runDrillBenchmark(options: {
  readonly workspaceRoot: string;
  readonly runs: number;
  readonly log: (line: string) => void;
  /** Each step as it finishes (the release of fx-prod, then every drill step): the bench takes about a minute a run. */
  readonly progress?: (line: string) => void;
}): Promise<void> {
  const progress = options.progress ?? (() => {});
  const dirs = [mkdtempSync(join(tmpdir(), 'drill-bench-store-')), mkdtempSync(join(tmpdir(), 'drill-bench-backups-'))];
  const [store, backupStore] = dirs.map((dir) => new LocalDirectoryStore(dir));
  let repository: string | undefined;
  try {
    await withFixtureStateServer(options.workspaceRoot, async () => {
      progress('drill bench: publishing and promoting the fixture estate to fx-prod');
      repository = (await releaseFixtureEstate({ workspaceRoot: options.workspaceRoot, store: store!, version: '1.0.0', to: 'fx-prod', log: progress })).repository;
      const reports: DrillReport[] = [];
      for (let run = 0; run < options.runs; run++) {
        progress(`drill bench: run ${run + 1} of ${options.runs}`);
        const report = await runDrill({ repository, estate: FIXTURE_ESTATE, environment: 'local', store: store!, backupStore: backupStore!, mode: 'full', log: progress });
        if (report.outcome !== 'passed') throw new ExternalError(`drill ${report.id} ${report.outcome}: ${report.failure?.error ?? ''}`);
        reports.push(report);
      }
      const m = (pick: (r: DrillReport) => number) => median(reports.map(pick));
      const wall = m((r) => r.wallSeconds);
      const engine = m((r) => r.engineSeconds);
      options.log(`Drill of the fixture estate (3 stacks, fx-prod rebuilt into local), ${options.runs} run(s), median seconds:`);
      options.log(
        markdownTable(
          ['Measure', 'Seconds'],
          [
            ['wall time', wall.toFixed(1)],
            ['RTO (start until every stack verified)', m((r) => r.rtoSeconds ?? Number.NaN).toFixed(1)],
            ['in the engine', engine.toFixed(1)],
            [`outside the engine (orchestration overhead, ${((100 * (wall - engine)) / wall).toFixed(0)} %)`, (wall - engine).toFixed(1)],
          ],
        ),
      );
      const phaseRows = DRILL_PHASES.map((phase) => {
        const span = (r: DrillReport) => {
          const steps = r.steps.filter((s) => s.phase === phase);
          if (steps.length === 0) return 0;
          const start = Math.min(...steps.map((s) => Date.parse(s.startedAt)));
          const end = Math.max(...steps.map((s) => Date.parse(s.startedAt) + s.seconds * 1000));
          return (end - start) / 1000;
        };
        const inEngine = (r: DrillReport) => r.steps.filter((s) => s.phase === phase).reduce((sum, s) => sum + s.engineSeconds, 0);
        return [phase, m(span).toFixed(2), m(inEngine).toFixed(2)];
      });
      options.log('');
      options.log(markdownTable(['Phase', 'Wall (median)', 'In the engine, summed over stacks (median)'], phaseRows));
    });
  } finally {
    if (repository) removeWorkspaceCopy(repository);
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}
