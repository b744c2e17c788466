#!/usr/bin/env -S npx tsx
// `npm run drill`: rebuild the estate from zero into a drill environment, verify, tear down, report.
// The logic lives in tools/drill; this entry parses flags, handles signals and the runtime
// state server, and saves the report.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { Command } from 'commander';
import { quote } from 'zx';
import { loadEnvironment } from '@platform/config';
import { startStateServer, type StateServerSession } from '@platform/engine';
import { openConfiguredStore } from '@platform/store';
import { assertDrillEnvironment, drillTrend, listDrillReports, renderDrillReport, runDrill, saveDrillReport, writeDrillReportFiles } from '@platform/drill';
import { EXIT_CODES, findWorkspaceRoot, runId, runProgram, sourceMapsOnlyForDebugging, UsageError, withOwnExitCodes } from '@platform/workspace';
import { openArtifactStore, wholeNumberOption } from '../src/commands/options';
import { DEFAULT_STATE_BACKUP_DIR, STATE_BACKUP_VARIABLE } from '../src/commands/state';

/** Exit codes: 0 passed, 1 failed (any error too), 130 interrupted (the shell's code for SIGINT). */
const EXIT = { passed: EXIT_CODES.ok, failed: EXIT_CODES.failed, interrupted: EXIT_CODES.interrupted } as const;
/**
 * Signals this soon after the first are copies of it (relayed by npm), not a second Ctrl-C.
 * `npm run drill` runs this file in node itself (`node --import tsx`), not under the tsx command:
 * tsx relays a signal to its child and SIGKILLs the child when it has not acknowledged it within
 * 30 ms, which a drill busy deploying often has not, so it died without its teardown or report.
 */
const SAME_INTERRUPT_MS = 2_000;

const program = new Command('drill')
  .description(
    'Rebuild the estate from zero into a drill environment from the artifacts promoted to the source environment, verify it, back up and restore its state, destroy it, and report.',
  )
  .requiredOption('-e, --env <environment>', "the drill environment (kind: drill; any other environment is refused)")
  .option('--source <environment>', 'environment whose promoted versions are rebuilt (default: the production one)')
  .option('--estate <dir>', 'the estate inside the repository (stacks/, environments/)', '.')
  .option('--ref <ref>', 'commit of the delivery tooling to clone', 'HEAD')
  .option('--plan-only', 'plan the whole estate from zero without applying anything')
  .option('--keep', 'leave the rebuilt estate and the clone in place (no teardown)')
  .option('--cleanup <run-id>', 'only tear down what the interrupted drill <run-id> left (its id is in its report and in dist/drill-state/<env>.run.json)')
  .option('--store <spec>', 'artifact store and report history: gs://bucket/prefix, s3://bucket/prefix or a directory (default: $PLATFORM_STORE, else the estate environments\' `artifacts`, else dist/store)')
  .option('--backup <spec>', 'where state snapshots go, a separate bucket: gs://bucket/prefix, s3://bucket/prefix or a directory (default: $PLATFORM_STATE_BACKUP or dist/state-backups)')
  .option('--concurrency <n>', 'stacks deployed or destroyed at once', '4')
  .option('--json', 'print the report as JSON instead of Markdown')
  .action(async (options: { env: string; source?: string; estate: string; ref: string; planOnly?: boolean; keep?: boolean; cleanup?: string; store?: string; backup?: string; concurrency: string; json?: boolean }) => {
    const concurrency = wholeNumberOption('--concurrency', options.concurrency);
    const repository = findWorkspaceRoot();
    const estate = join(repository, options.estate);
    assertDrillEnvironment(estate, options.env);
    if (options.cleanup !== undefined && (options.planOnly || options.keep)) throw new UsageError('--cleanup tears down only: it takes neither --plan-only nor --keep');
    const startedAt = new Date();
    const id = runId(startedAt);
    const marker = join(repository, DRILL_STATE_DIR, `${options.env}.run.json`);
    // The run answerable for what is deployed in the drill environment: a cleanup keeps the interrupted run's id.
    const answerable = options.cleanup === undefined ? id : interruptedRun(repository, marker, options.cleanup);
    const store = await openArtifactStore(repository, options.store, { estateRoot: estate });
    const backupStore = openConfiguredStore(repository, options.backup, { variable: STATE_BACKUP_VARIABLE, defaultDir: DEFAULT_STATE_BACKUP_DIR });

    // First signal: stop starting new steps and tear down. Another one later: leave at once.
    // Ctrl-C reaches this process more than once (from the terminal's process group and again
    // relayed by npm), so signals within a moment of the first count as the same one.
    const controller = new AbortController();
    let firstSignalAt = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) {
        if (Date.now() - firstSignalAt < SAME_INTERRUPT_MS) return;
        process.exit(EXIT.interrupted);
      }
      firstSignalAt = Date.now();
      console.error(`${signal}: finishing the running steps, then tearing down (send it again to leave at once, without teardown)`);
      controller.abort();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);

    const leftBefore = existsSync(join(repository, DRILL_STATE_DIR, options.env));
    if (!options.planOnly) {
      mkdirSync(dirname(marker), { recursive: true, mode: 0o700 });
      writeFileSync(marker, `${JSON.stringify({ runId: answerable, startedAt: startedAt.toISOString(), pid: process.pid }, null, 2)}\n`, { mode: 0o600 });
      console.error(`drill ${id}: if it is killed before it tears down, '${cleanupCommand(options, answerable)}' tears down what it left`);
    }
    const server = await stateServerIfNeeded(repository, estate, options.env);
    let clean = false;
    try {
      const drilled = await runDrill({
        repository,
        estate: relative(repository, estate) || '.',
        environment: options.env,
        ...(options.source ? { source: options.source } : {}),
        ref: options.ref,
        store,
        backupStore,
        mode: options.planOnly ? 'plan-only' : options.cleanup !== undefined ? 'cleanup' : 'full',
        id,
        resourcesOf: answerable,
        now: () => startedAt,
        keep: options.keep === true,
        concurrency,
        signal: controller.signal,
        log: (line) => console.error(line),
      });
      // A plan-only drill deploys nothing, and leaves alone what an earlier drill left.
      clean = drilled.mode === 'plan-only' ? !leftBefore : drilled.cleanup.ran && Object.keys(drilled.cleanup.leftInState).length === 0;
      const report =
        clean || drilled.mode === 'plan-only'
          ? drilled
          : { ...drilled, cleanup: { ...drilled.cleanup, stateKeptIn: { location: stateLocation(repository, estate, options.env, server), command: cleanupCommand(options, answerable) } } };
      const trend = drillTrend(report, await listDrillReports(store, report.environment));
      const markdown = renderDrillReport(report, trend);
      await saveDrillReport(store, report, markdown);
      const files = writeDrillReportFiles(join(repository, 'dist/reports'), report, markdown);
      console.log(options.json ? JSON.stringify(report, null, 2) : markdown);
      console.error(`report: ${files.markdown}, ${files.json}; kept in ${store.location}`);
      process.exitCode = EXIT[report.outcome];
    } finally {
      await server?.stop();
      if (clean && !options.planOnly) rmSync(marker, { force: true });
      if (server) {
        if (clean) rmSync(server.server.dataDir, { recursive: true, force: true });
        else console.error(`state of ${options.env} kept in ${relative(repository, server.server.dataDir)}: '${cleanupCommand(options, answerable)}' (or a new drill) tears down what is left`);
      }
    }
  });

/** The command that tears down what a run left: the same estate, stores and environment as the run's. */
function cleanupCommand(options: { env: string; estate: string; store?: string; backup?: string }, run: string): string {
  const flags = [...(options.estate === '.' ? [] : ['--estate', options.estate]), '--env', options.env, ...(options.store ? ['--store', options.store] : []), ...(options.backup ? ['--backup', options.backup] : [])];
  return ['npm run drill --', ...flags.map((flag) => quote(flag)), '--cleanup', run].join(' ');
}

/** Where the drill environment's state is: the drill's own server's data folder, else its configured bucket and prefix. */
function stateLocation(repository: string, estate: string, name: string, server: StateServerSession | undefined): string {
  if (server) return relative(repository, server.server.dataDir);
  const { state } = loadEnvironment(estate, name);
  return `${state.backend}://${state.bucket}/${state.prefix}`;
}

/** The run a --cleanup names, checked against the marker the interrupted run left. */
function interruptedRun(repository: string, marker: string, named: string): string {
  const where = relative(repository, marker);
  if (!existsSync(marker)) throw new UsageError(`--cleanup ${named}: ${where} does not exist, so no interrupted drill left anything to tear down (a drill that tore down removes it)`);
  const recorded = (JSON.parse(readFileSync(marker, 'utf8')) as { runId?: unknown }).runId;
  if (recorded !== named) throw new UsageError(`--cleanup ${named}: what is deployed is answered for by drill ${String(recorded)} (${where}: runId), not ${named}`);
  return named;
}

/** Where a drill's own state server keeps the state: durable, so that a run killed midway leaves it for the next one. */
const DRILL_STATE_DIR = 'dist/drill-state';

/**
 * A drill environment whose state endpoint is known only at run time gets a local S3 server
 * for the length of the drill, unless the caller already points at one. The server keeps its
 * data in dist/drill-state/<env> (removed once a drill has torn everything down) and runs in a
 * process group of its own, so that the Ctrl-C that interrupts the drill leaves it up for the
 * teardown; a server left behind by a killed drill is stopped by the next one, which then finds
 * the state it left.
 */
async function stateServerIfNeeded(repository: string, estate: string, name: string): Promise<StateServerSession | undefined> {
  const environment = loadEnvironment(estate, name);
  if (environment.state.backend !== 's3' || environment.state.endpoint !== 'runtime' || process.env.PLATFORM_STATE_ENDPOINT) return undefined;
  const dataDir = join(repository, DRILL_STATE_DIR, name);
  const found = existsSync(dataDir);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const session = await startStateServer({ workspaceRoot: findWorkspaceRoot(estate), buckets: [environment.state.bucket], dataDir, ownProcessGroup: true, log: (line) => console.error(line) });
  console.error(
    `state of ${name}: local S3 server at ${session.server.endpoint} for the length of the drill, data in ${relative(repository, dataDir)}` +
      (found ? ' (found from an earlier drill: what it left is torn down with the rest)' : ''),
  );
  return session;
}

withOwnExitCodes(
  program,
  [
    [EXIT.passed, 'the drill passed'],
    [EXIT.failed, 'the drill failed, was refused, or could not start'],
    [EXIT.interrupted, 'interrupted (Ctrl-C or SIGTERM); teardown ran'],
  ],
  EXIT.failed,
);
// The stacks and cdktf load during the drill: without source maps unless debugging.
sourceMapsOnlyForDebugging();
await runProgram(program);
