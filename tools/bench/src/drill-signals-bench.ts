import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nxChildEnvironment } from '@platform/config';
import { DRILL_PHASES } from '@platform/drill';
import { FIXTURE_ESTATE, releaseFixtureEstate, withFixtureStateServer } from '@platform/fixture-estate';
import { LocalDirectoryStore } from '@platform/store';
import { removeWorkspaceCopy } from '@platform/testing';
import { markdownTable } from '@platform/workspace';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGKILL'] as const;

interface Cell {
  readonly phase: string;
  readonly signal: (typeof SIGNALS)[number];
  /** How the interrupted drill ended: its exit code, or the signal that killed it. */
  readonly exit: string;
  /** The interrupted drill's own report: outcome and what it says is left, or none (killed). */
  readonly report: string;
  /** Whether dist/drill-state/<env> was left behind. */
  readonly stateLeft: boolean;
  /** The re-run, when something was left: outcome and what its cleanup found left. */
  readonly rerun: string;
  /** Servers of the drill still running at the end, and the state folder: both must be gone. */
  readonly finallyClean: boolean;
}

/**
 * The drill of the fixture estate, interrupted by each signal once the first step of each phase
 * has finished, sent to its whole process group as a terminal or a CI runner sends it; then
 * `--cleanup <run id>` of the run that left something (a re-run when no run is named). Prints the table phase x signal -> outcome. Minutes per cell:
 * on demand only (`npm run bench -- --only drill-signals`).
 */
export async function runDrillSignalsBenchmark(options: { readonly workspaceRoot: string; readonly log: (line: string) => void }): Promise<void> {
  const storeDir = mkdtempSync(join(tmpdir(), 'drill-signals-store-'));
  let repository: string | undefined;
  const cells: Cell[] = [];
  try {
    await withFixtureStateServer(options.workspaceRoot, async () => {
      repository = (await releaseFixtureEstate({ workspaceRoot: options.workspaceRoot, store: new LocalDirectoryStore(storeDir), version: '1.0.0', to: 'fx-prod' })).repository;
    });
    // The drill starts its own state server, as on an operator's machine or a runner.
    const env: NodeJS.ProcessEnv = { ...nxChildEnvironment() };
    for (const name of ['PLATFORM_STATE_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete env[name];
    const dataDir = join(repository!, 'dist/drill-state/local');
    for (const phase of DRILL_PHASES) {
      for (const signal of SIGNALS) {
        const backups = mkdtempSync(join(tmpdir(), 'drill-signals-backups-'));
        const args = ['run', '--silent', 'drill', '--', '--estate', FIXTURE_ESTATE, '--env', 'local', '--store', storeDir, '--backup', backups, '--json'];
        try {
          const interrupted = await interruptAt(repository!, args, env, phase, signal);
          const stateLeft = existsSync(dataDir);
          let rerun = '-';
          const marker = join(repository!, 'dist/drill-state/local.run.json');
          if (stateLeft || existsSync(marker)) {
            // The run the interrupted drill named as answerable for what it left: its --cleanup.
            const run = existsSync(marker) ? (JSON.parse(readFileSync(marker, 'utf8')) as { runId: string }).runId : undefined;
            const again = run
              ? spawnSync('npm', ['run', '--silent', 'drill', '--', '--estate', FIXTURE_ESTATE, '--env', 'local', '--store', storeDir, '--cleanup', run, '--json'], { cwd: repository!, env, encoding: 'utf8' })
              : spawnSync('npm', args, { cwd: repository!, env, encoding: 'utf8' });
            rerun = `${run ? '--cleanup' : 're-run'}: exit ${again.status}, ${summary(again.stdout)}`;
          }
          const servers = spawnSync('pgrep', ['-f', dataDir], { encoding: 'utf8' }).stdout.trim();
          cells.push({ phase, signal, exit: interrupted.exit, report: summary(interrupted.stdout), stateLeft, rerun, finallyClean: servers === '' && !existsSync(dataDir) });
          options.log(`${phase} x ${signal}: ${JSON.stringify(cells[cells.length - 1])}`);
        } finally {
          rmSync(backups, { recursive: true, force: true });
        }
      }
    }
  } finally {
    if (repository) removeWorkspaceCopy(repository);
    rmSync(storeDir, { recursive: true, force: true });
  }
  options.log('');
  options.log(
    markdownTable(
      ['Phase (signal after its first step)', 'Signal', 'Interrupted drill', 'Its report', 'State left', '--cleanup <run id> (or re-run)', 'Nothing left at the end'],
      cells.map((c) => [c.phase, c.signal, c.exit, c.report, c.stateLeft ? 'yes' : 'no', c.rerun, c.finallyClean ? 'yes' : 'NO']),
    ),
  );
}

/** Runs the drill and sends `signal` to its process group once the first step of `phase` has finished. */
function interruptAt(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv, phase: string, signal: NodeJS.Signals): Promise<{ exit: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && new RegExp(`^${phase}: `, 'm').test(stderr)) {
        sent = true;
        process.kill(-child.pid!, signal);
      }
    });
    child.on('close', (code, killedBy) => resolve({ exit: sent ? (killedBy ? `killed by ${killedBy}` : `exit ${code}`) : `not reached (exit ${code})`, stdout }));
  });
}

/** A drill report's outcome and what its cleanup says is left, from its JSON on stdout. */
function summary(stdout: string): string {
  try {
    const report = JSON.parse(stdout) as { outcome: string; cleanup: { ran: boolean; leftInState: Record<string, string[]>; stateKeptIn?: { location: string } } };
    const left = Object.entries(report.cleanup.leftInState).map(([stack, addresses]) => `${stack}: ${addresses.length}`);
    const kept = report.cleanup.stateKeptIn ? `; says state kept in ${report.cleanup.stateKeptIn.location}` : '';
    return `${report.outcome}; cleanup ${report.cleanup.ran ? 'ran' : 'did not run'}, ${left.length === 0 ? 'nothing left' : `left ${left.join(', ')}`}${kept}`;
  } catch {
    return 'none';
  }
}
