import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, loadEnvironment, nxChildEnvironment } from '@platform/config';
import { packageStack, promote, publishSignedArtifact } from '@platform/delivery';
import { openStackEngine } from '@platform/deploy';
import { assertDrillEnvironment, DRILL_PHASES, DrillRefusedError, drillTrend, listDrillReports, renderDrillReport, runDrill, saveDrillReport, type DrillOptions } from '@platform/drill';
import { FIXTURE_ESTATE, releaseFixtureEstate } from './fixture-release';
import type { FixtureSigningKey } from './fixture-signing';
import { openStateStore, stateLockKey, stateObjectKey } from '@platform/state';
import { isProcessLive, s3ClientFor, startStateServer, type StateServerSession } from '@platform/engine';
import { LocalDirectoryStore, S3Store, sha256Hex, type Artifact } from '@platform/store';
import { commitAll, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const ESTATE = FIXTURE_ESTATE;
const STACKS = ['fixture-app', 'fixture-base', 'fixture-edge'];
const log = () => {};

/** The same artifact with its configuration for one environment replaced (hashes kept right). */
function withConfiguration(artifact: Artifact, version: string, environment: string, json: string): Artifact {
  const path = `environments/${environment}/cdk.tf.json`;
  const bytes = Buffer.from(json);
  const files = new Map(artifact.files);
  files.set(path, bytes);
  return {
    manifest: { ...artifact.manifest, version, files: { ...artifact.manifest.files, [path]: { sha256: sha256Hex(bytes), size: bytes.length } } },
    files,
  };
}

/*
 * A clean clone of the repository (a git repository, as the drill clones it) with every
 * fixture stack published as 1.0.0 and promoted to fx-prod, the drill's source.
 */
describe('rebuild-from-zero drill of the fixture estate, real engine and S3 server', () => {
  let stateServer: StateServerSession;
  let repository: string;
  let signing: FixtureSigningKey;
  let storeDir: string;
  let store: LocalDirectoryStore;
  let backupStore: S3Store;
  const estate = () => join(repository, ESTATE);
  const drill = (extra: Partial<DrillOptions> = {}) =>
    runDrill({ repository, estate: ESTATE, environment: 'local', store, backupStore, mode: 'full', concurrency: 2, log, ...extra });

  /** Resource addresses in the drill environment's state, by stack (engine working directories of the test's own checkout). */
  async function drillState(): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const stack of STACKS) {
      const { runner } = await openStackEngine({ workspaceRoot: estate(), stack, environment: 'local', backend: true, log });
      result[stack] = await runner.stateAddresses();
    }
    return result;
  }

  beforeAll(async () => {
    storeDir = mkdtempSync(join(tmpdir(), 'drill-store-'));
    store = new LocalDirectoryStore(storeDir);
    stateServer = await startStateServer({ workspaceRoot: WORKSPACE, buckets: ['fixture-state', 'fixture-state-backups', 'fixture-artifacts'] });
    backupStore = new S3Store({ client: s3ClientFor(stateServer.server), bucket: 'fixture-state-backups', prefix: 'drills' });
    ({ repository, signing } = await releaseFixtureEstate({ workspaceRoot: WORKSPACE, store, version: '1.0.0', to: 'fx-prod' }));
  }, 900_000);

  afterAll(async () => {
    await stateServer?.stop();
    rmSync(storeDir, { recursive: true, force: true });
    if (repository) removeWorkspaceCopy(repository);
  });

  it('refuses every environment that is not a drill environment, whatever the flags', async () => {
    for (const environment of ['fx-dev', 'fx-staging', 'fx-prod']) {
      for (const flags of [{}, { keep: true }, { mode: 'plan-only' as const }]) {
        await expect(drill({ environment, ...flags }), environment).rejects.toThrow(DrillRefusedError);
      }
    }
    await expect(drill({ environment: 'fx-prod' })).rejects.toThrow(/refusing to drill in 'fx-prod': it is a production cloud environment .*kind is 'cloud'/);
    for (const environment of ['dev', 'staging', 'prod']) expect(() => assertDrillEnvironment(WORKSPACE, environment)).toThrow(DrillRefusedError);
    expect(assertDrillEnvironment(WORKSPACE, 'drill').kind).toBe('drill');
    expect(await listDrillReports(store, 'fx-prod')).toEqual([]);
  });

  it('rebuilds the estate from the promoted artifacts, verifies it, restores its state from a backup and tears it down', async () => {
    const report = await drill();
    expect(report.failure).toBeUndefined();
    expect(report).toMatchObject({ outcome: 'passed', environment: 'local', source: 'fx-prod', mode: 'full', cleanup: { ran: true, leftInState: {} } });
    expect(report.stacks).toEqual(STACKS.map((stack) => expect.objectContaining({ stack, version: '1.0.0', outcome: 'passed' })));
    expect(report.delivery).toEqual({ commit: execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repository, encoding: 'utf8' }).trim(), install: 'reused node_modules (same package-lock.json)' });
    expect(report.rtoSeconds).toBeGreaterThan(0);
    expect(report.rtoSeconds).toBeLessThanOrEqual(report.wallSeconds);
    expect(report.engineSeconds).toBeGreaterThan(0);
    expect(report.engineSeconds).toBeLessThan(report.wallSeconds);
    expect(new Set(report.steps.map((s) => s.phase))).toEqual(new Set(DRILL_PHASES));
    expect(report.steps.filter((s) => s.phase === 'state-backup' && s.stack).map((s) => [s.stack, s.outcome]).sort()).toEqual(STACKS.map((s) => [s, 'passed']));
    // Dependency order: a consumer is applied only after its upstream was verified.
    const ended = (phase: string, stack: string) => report.steps.find((s) => s.phase === phase && s.stack === stack)!;
    const end = (step: { startedAt: string; seconds: number }) => Date.parse(step.startedAt) + step.seconds * 1000;
    expect(Date.parse(ended('deploy', 'fixture-app').startedAt)).toBeGreaterThanOrEqual(end(ended('verify', 'fixture-base')) - 1);
    expect(await drillState()).toEqual({ 'fixture-app': [], 'fixture-base': [], 'fixture-edge': [] });

    const markdown = renderDrillReport(report, drillTrend(report, []));
    expect(markdown).toContain('```mermaid');
    await saveDrillReport(store, report, markdown);
  }, 600_000);

  it('plans the whole estate from zero with --plan-only and applies nothing', async () => {
    const report = await drill({ mode: 'plan-only' });
    expect(report.failure).toBeUndefined();
    expect(report).toMatchObject({ outcome: 'passed', mode: 'plan-only', rtoSeconds: null, cleanup: { ran: false } });
    expect([...new Set(report.steps.map((s) => s.phase))]).toEqual(['preflight', 'restore-delivery', 'deploy']);
    expect(await drillState()).toEqual({ 'fixture-app': [], 'fixture-base': [], 'fixture-edge': [] });
  }, 600_000);

  it('npm run drill: an S3 artifact store keeps its own credentials when the drill starts its own state server', async () => {
    // The released artifacts, in an S3 bucket of the test's server, read with that server's keys.
    const server = stateServer.server;
    const artifacts = new S3Store({ client: s3ClientFor(server), bucket: 'fixture-artifacts', prefix: 'releases' });
    for (const key of await store.list('')) await artifacts.put(key, (await store.get(key))!);
    const env: NodeJS.ProcessEnv = { ...nxChildEnvironment(), PLATFORM_STORE_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey };
    delete env['PLATFORM_STATE_ENDPOINT'];
    const backups = mkdtempSync(join(tmpdir(), 'drill-s3-store-backups-'));
    try {
      const result = spawnSync('npm', ['run', '--silent', 'drill', '--', '--estate', ESTATE, '--env', 'local', '--plan-only', '--store', 's3://fixture-artifacts/releases', '--backup', backups, '--json'], { cwd: repository, env, encoding: 'utf8' });
      expect(result.status, result.stderr.slice(-3000)).toBe(0);
      expect(JSON.parse(result.stdout)).toMatchObject({ outcome: 'passed', mode: 'plan-only', source: 'fx-prod' });
      expect(result.stderr).toMatch(/state of local: local S3 server at http:\/\/127\.0\.0\.1:\d+ for the length of the drill/);
    } finally {
      artifacts.destroy();
      rmSync(backups, { recursive: true, force: true });
    }
  }, 600_000);

  it('tears down what was built when interrupted', async () => {
    const controller = new AbortController();
    const report = await drill({
      signal: controller.signal,
      log: (line) => {
        if (/^verify: fixture-base/.test(line)) controller.abort();
      },
    });
    expect(report.outcome).toBe('interrupted');
    expect(report.stacks.find((s) => s.stack === 'fixture-base')!.outcome).toBe('passed');
    expect(report.stacks.filter((s) => s.stack !== 'fixture-base').map((s) => s.outcome)).toEqual(['skipped', 'skipped']);
    expect(report.cleanup).toEqual({ ran: true, leftInState: {} });
    expect(report.steps.filter((s) => s.phase === 'destroy').every((s) => s.outcome === 'passed')).toBe(true);
    expect(await drillState()).toEqual({ 'fixture-app': [], 'fixture-base': [], 'fixture-edge': [] });
  }, 600_000);

  it('npm run drill: the first SIGINT stops new steps, tears down, saves the report and exits 130', async () => {
    const backups = mkdtempSync(join(tmpdir(), 'drill-cli-backups-'));
    const child = spawn('npm', ['run', '--silent', 'drill', '--', '--estate', ESTATE, '--env', 'local', '--store', storeDir, '--backup', backups, '--json'], {
      cwd: repository,
      env: nxChildEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, signalled as a whole, as Ctrl-C in a terminal does.
      detached: true,
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/verify: fixture-base/.test(stderr) && !interrupted) {
        interrupted = true;
        process.kill(-child.pid!, 'SIGINT');
      }
    });
    // A shell reports 130 either way: exit code 130, or (npm re-raising the signal) killed by SIGINT.
    const code = await new Promise<number>((resolve) => child.on('close', (exit, signal) => resolve(exit ?? 128 + constants.signals[signal!])));
    rmSync(backups, { recursive: true, force: true });
    expect(code, stderr).toBe(130);
    expect(stderr).toContain('SIGINT: finishing the running steps, then tearing down');
    const report = JSON.parse(stdout) as { id: string; outcome: string; source: string; cleanup: unknown };
    expect(report).toMatchObject({ outcome: 'interrupted', source: 'fx-prod', cleanup: { ran: true, leftInState: {} } });
    expect((await listDrillReports(store, 'local')).map((r) => r.id)).toContain(report.id);
    expect(await drillState()).toEqual({ 'fixture-app': [], 'fixture-base': [], 'fixture-edge': [] });
  }, 600_000);

  it('npm run drill: SIGKILL of its process group midway leaves the state in dist/drill-state, and --cleanup <run id> tears it down', async () => {
    // The drill starts its own state server (no PLATFORM_STATE_ENDPOINT), as on an operator's machine.
    const env: NodeJS.ProcessEnv = { ...nxChildEnvironment() };
    delete env['PLATFORM_STATE_ENDPOINT'];
    const backups = mkdtempSync(join(tmpdir(), 'drill-kill-backups-'));
    const args = ['run', '--silent', 'drill', '--', '--estate', ESTATE, '--env', 'local', '--store', storeDir, '--backup', backups, '--json'];
    const dataDir = join(repository, 'dist/drill-state/local');
    try {
      const child = spawn('npm', args, { cwd: repository, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let stderr = '';
      let killed = false;
      child.stdout.resume();
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (/verify: fixture-base/.test(stderr) && !killed) {
          killed = true;
          process.kill(-child.pid!, 'SIGKILL');
        }
      });
      await new Promise((resolve) => child.on('close', resolve));
      expect(killed, stderr.slice(-2000)).toBe(true);
      expect(existsSync(join(dataDir, 'server.lock')), 'the killed drill could not clean up: its state stays').toBe(true);
      const orphan = (JSON.parse(readFileSync(join(dataDir, 'server.lock'), 'utf8')) as { server: number }).server;

      const marker = join(repository, 'dist/drill-state/local.run.json');
      const { runId: killedRun } = JSON.parse(readFileSync(marker, 'utf8')) as { runId: string };
      // The same estate and stores as the killed run: the printed command works as it is.
      expect(stderr).toContain(`'npm run drill -- --estate ${ESTATE} --env local --store ${storeDir} --backup ${backups} --cleanup ${killedRun}' tears down what it left`);
      const cleanup = (run: string) => spawnSync('npm', ['run', '--silent', 'drill', '--', '--estate', ESTATE, '--env', 'local', '--store', storeDir, '--cleanup', run, '--json'], { cwd: repository, env, encoding: 'utf8' });
      const wrong = cleanup('20260101T000000Z-0000');
      expect(wrong.status).toBe(1);
      expect(wrong.stderr).toContain(`--cleanup 20260101T000000Z-0000: what is deployed is answered for by drill ${killedRun} (dist/drill-state/local.run.json: runId), not 20260101T000000Z-0000`);

      const cleaned = cleanup(killedRun);
      expect(cleaned.status, cleaned.stderr.slice(-3000)).toBe(0);
      expect(cleaned.stderr).toMatch(/data in dist\/drill-state\/local \(found from an earlier drill: what it left is torn down with the rest\)/);
      const report = JSON.parse(cleaned.stdout) as { mode: string; outcome: string; cleanup: unknown; steps: { phase: string }[] };
      expect(report).toMatchObject({ mode: 'cleanup', outcome: 'passed', cleanup: { ran: true, leftInState: {} } });
      expect(new Set(report.steps.map((s) => s.phase))).toEqual(new Set(['preflight', 'restore-delivery', 'destroy', 'verify-empty']));
      expect(isProcessLive(orphan), 'the killed drill\'s server was stopped').toBe(false);
      expect(existsSync(dataDir), 'removed once everything is torn down').toBe(false);
      expect(existsSync(marker), 'nothing is answered for any more').toBe(false);
      expect(cleanup(killedRun).stderr).toContain(`--cleanup ${killedRun}: dist/drill-state/local.run.json does not exist, so no interrupted drill left anything to tear down`);
    } finally {
      rmSync(backups, { recursive: true, force: true });
    }
  }, 900_000);

  it('converges when run again after an interrupted drill that kept its resources', async () => {
    const controller = new AbortController();
    let kept = '';
    const interrupted = await drill({
      keep: true,
      signal: controller.signal,
      log: (line) => {
        if (/^verify: fixture-base/.test(line)) controller.abort();
        kept = /^kept: the clone at (\S+)/.exec(line)?.[1] ?? kept;
      },
    });
    expect(interrupted).toMatchObject({ outcome: 'interrupted', cleanup: { ran: false } });
    expect(kept, 'the kept clone is named in the log').not.toBe('');
    rmSync(dirname(kept), { recursive: true, force: true });
    expect((await drillState())['fixture-base']!.length).toBeGreaterThan(0);
    const again = await drill();
    expect(again.failure).toBeUndefined();
    expect(again).toMatchObject({ outcome: 'passed', cleanup: { ran: true, leftInState: {} } });
    expect(await drillState()).toEqual({ 'fixture-app': [], 'fixture-base': [], 'fixture-edge': [] });
  }, 600_000);

  it('names a held state lock and the runbook, and deploys nothing on that stack', async () => {
    const state = openStateStore(loadEnvironment(estate(), 'local'));
    const lock = stateLockKey(stateObjectKey(loadEnvironment(estate(), 'local').state, 'fixture-base'));
    const info = { ID: 'c2a4a1b0-0000-4000-8000-000000000001', Operation: 'OperationTypeApply', Info: '', Who: 'someone@elsewhere', Version: '1.11.14', Created: '2026-11-22T05:00:00Z', Path: lock };
    await state.put(lock, Buffer.from(JSON.stringify(info)));
    try {
      const report = await drill();
      expect(report.outcome).toBe('failed');
      expect(report.failure).toMatchObject({ phase: 'deploy', stack: 'fixture-base' });
      expect(report.failure!.error).toMatch(/the state of fixture-base is locked by another run .*docs\/runbooks\/stuck-state-lock\.md/);
      expect(report.stacks.map((s) => s.outcome)).toEqual(['skipped', 'failed', 'skipped']);
      expect(report.cleanup).toEqual({ ran: true, leftInState: {} });
    } finally {
      await state.delete!(lock);
    }
  }, 600_000);

  it('reports a stack that fails to deploy with the engine diagnostic, skips its consumers and still tears the rest down', async () => {
    const good = await packageStack(estate(), 'fixture-app', '1.0.0');
    const json = JSON.parse(Buffer.from(good.files.get('environments/local/cdk.tf.json')!).toString('utf8')) as { resource: Record<string, Record<string, Record<string, unknown>>> };
    const [type, resources] = Object.entries(json.resource).find(([t]) => t.startsWith('random_'))!;
    resources[Object.keys(resources)[0]!]!.no_such_argument = true;
    await publishSignedArtifact(store, withConfiguration(good, '1.0.1', 'local', JSON.stringify(json)), signing.signer);
    await promote({ workspaceRoot: estate(), store, stack: 'fixture-app', version: '1.0.1', to: 'fx-prod', breakGlass: { reason: 'drill test: broken drill configuration' }, env: signing.env, log });
    commitAll(repository, 'fx-prod runs fixture-app 1.0.1');

    const report = await drill();
    expect(report.outcome).toBe('failed');
    expect(report.failure).toMatchObject({ phase: 'deploy', stack: 'fixture-app' });
    expect(report.failure!.diagnostics!.map((d) => d.summary).join('\n')).toMatch(/Extraneous JSON object property/);
    expect(report.failure!.diagnostics!.map((d) => d.detail).join('\n')).toContain('no_such_argument');
    expect(type).toMatch(/^random_/);
    expect(report.stacks.map((s) => [s.stack, s.version, s.outcome])).toEqual([
      ['fixture-app', '1.0.1', 'failed'],
      ['fixture-base', '1.0.0', 'passed'],
      ['fixture-edge', '1.0.0', 'skipped'],
    ]);
    expect(report.rtoSeconds).toBeNull();
    expect(report.cleanup).toEqual({ ran: true, leftInState: {} });
    expect(await drillState()).toEqual({ 'fixture-app': [], 'fixture-base': [], 'fixture-edge': [] });

    const kept = await listDrillReports(store, 'local');
    const trend = drillTrend(report, kept);
    // Every full drill kept in the store so far, oldest first (a --cleanup report trends apart): the passing one saved above comes first.
    const earlier = kept.filter((r) => r.mode === 'full');
    expect(kept.some((r) => r.mode === 'cleanup'), 'the --cleanup above kept its report').toBe(true);
    expect(trend.earlier.map((e) => e.id)).toEqual(earlier.map((r) => r.id));
    expect(trend.earlier[0]!.outcome).toBe('passed');
    expect(trend.passRate).toBeCloseTo(earlier.filter((r) => r.outcome === 'passed').length / (earlier.length + 1));
    const markdown = renderDrillReport(report, trend);
    expect(markdown).toContain('Extraneous JSON object property');
    expect(markdown).toMatch(/crit/);
  }, 600_000);
});
