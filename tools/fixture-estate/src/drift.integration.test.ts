import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { packageStack, promote, publishSignedArtifact } from '@platform/delivery';
import { trustNewSigningKey } from './fixture-signing';
import { applyStack, destroyStack, engineWorkdir } from '@platform/deploy';
import { checkEnvironmentDrift, DRIFT_EXIT_CODES, renderDriftReport, saveDriftReport } from '@platform/drift';
import { runSynth } from '@platform/synth';
import { startStateServer, type StateServerSession } from '@platform/engine';
import { LocalDirectoryStore } from '@platform/store';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const ORDER = ['fixture-base', 'fixture-app', 'fixture-edge'];
const log = () => {};

/*
 * On a copy of the repository, so the engine working directories of this file never meet
 * those of the other fixture-estate tests that run at the same time.
 */
describe('drift detection on the fixture estate with the real engine and S3 backend', () => {
  let stateServer: StateServerSession;
  let copy: string;
  let estate: string;
  let storeDir: string;
  let store: LocalDirectoryStore;
  const page = () => join(estate, engineWorkdir('fixture-edge', 'local'), 'site/index.html');
  const check = (now: Date) => checkEnvironmentDrift({ workspaceRoot: estate, environment: 'local', store, log, now: () => now });

  beforeAll(async () => {
    copy = copyWorkspaceAsRepository(WORKSPACE, 'drift');
    estate = join(copy, 'tools/fixture-estate');
    rmSync(join(estate, 'dist'), { recursive: true, force: true });
    storeDir = mkdtempSync(join(tmpdir(), 'drift-store-'));
    store = new LocalDirectoryStore(storeDir);
    stateServer = await startStateServer({ workspaceRoot: WORKSPACE, buckets: ['fixture-state'] });
    expect((await runSynth({ workspaceRoot: estate, stacks: [], log })).every((o) => o.ok)).toBe(true);
    for (const stack of ORDER) await applyStack({ workspaceRoot: estate, stack, environment: 'local', log });
  }, 900_000);

  afterAll(async () => {
    try {
      for (const stack of [...ORDER].reverse()) await destroyStack({ workspaceRoot: estate, stack, environment: 'local', log });
    } finally {
      await stateServer?.stop();
      rmSync(storeDir, { recursive: true, force: true });
      removeWorkspaceCopy(copy);
    }
  }, 300_000);

  it('finds every stack in sync right after the apply', async () => {
    const report = await check(new Date('2026-11-22T08:00:00Z'));
    expect(report.stacks.map((s) => [s.stack, s.status])).toEqual(ORDER.map((stack) => [stack, 'in-sync']).sort());
    expect(DRIFT_EXIT_CODES[report.outcome]).toBe(0);
    await saveDriftReport(store, report, renderDriftReport(report));
  }, 300_000);

  it('reports stacks never deployed in an environment as not deployed, consumers included, and exits 0', async () => {
    const report = await checkEnvironmentDrift({ workspaceRoot: estate, environment: 'fx-dev', log, now: () => new Date('2026-11-22T09:00:00Z') });
    expect(report.stacks.map((s) => [s.stack, s.status, s.error ?? null])).toEqual(ORDER.map((stack) => [stack, 'not-deployed', null]).sort());
    expect(DRIFT_EXIT_CODES[report.outcome]).toBe(0);
  }, 300_000);

  it('reports exactly the resource changed outside the engine, and changes nothing itself', async () => {
    writeFileSync(page(), '<h1>edited by hand</h1>\n');
    const report = await check(new Date('2026-11-22T09:00:00Z'));
    expect(report.outcome).toBe('drifted');
    expect(DRIFT_EXIT_CODES[report.outcome]).toBe(2);
    expect(report.stacks.filter((s) => s.status !== 'in-sync').map((s) => [s.stack, s.status, s.resources])).toEqual([
      ['fixture-edge', 'drifted', [{ address: 'local_file.page', kind: 'deleted', attributes: [] }]],
    ]);
    expect(report.stacks.find((s) => s.stack === 'fixture-edge')).toMatchObject({ driftedSince: '2026-11-22T09:00:00.000Z', driftedForSeconds: 0 });
    expect(renderDriftReport(report)).toContain('`local_file.page`: deleted or replaced outside the engine');
    expect(readFileSync(page(), 'utf8'), 'a drift check never writes').toBe('<h1>edited by hand</h1>\n');
    await saveDriftReport(store, report, renderDriftReport(report));
  }, 300_000);

  it('says how long a stack has been drifted from the reports kept in the store', async () => {
    const report = await check(new Date('2026-11-22T11:30:00Z'));
    expect(report.stacks.find((s) => s.stack === 'fixture-edge')).toMatchObject({ status: 'drifted', driftedSince: '2026-11-22T09:00:00.000Z', driftedForSeconds: 9000 });
    expect(renderDriftReport(report)).toMatch(/\| fixture-edge +\| synth output +\| DRIFTED +\| 1 +\| 2\.5 h \(since 2026-11-22T09:00:00\.000Z\)/);
    await saveDriftReport(store, report, renderDriftReport(report));
  }, 300_000);

  it('is in sync again once the stack is applied from its source', async () => {
    await applyStack({ workspaceRoot: estate, stack: 'fixture-edge', environment: 'local', log });
    expect(readFileSync(page(), 'utf8')).toMatch(/^<h1>hello, app-/);
    const report = await check(new Date('2026-11-22T12:00:00Z'));
    expect(report.outcome).toBe('in-sync');
    expect(report.stacks.every((s) => s.status === 'in-sync' && s.driftedSince === undefined)).toBe(true);
  }, 300_000);

  it('compares a stack with the released version the environment runs, when there is one', async () => {
    const key = trustNewSigningKey(estate);
    await publishSignedArtifact(store, await packageStack(estate, 'fixture-edge', '1.0.0'), key.signer);
    await promote({ workspaceRoot: estate, store, stack: 'fixture-edge', version: '1.0.0', to: 'local', env: key.env, log });
    writeFileSync(page(), '<h1>edited again</h1>\n');
    const report = await check(new Date('2026-11-22T13:00:00Z'));
    expect(report.stacks.map((s) => [s.stack, s.configuration, s.status])).toEqual([
      ['fixture-app', 'synth output', 'in-sync'],
      ['fixture-base', 'synth output', 'in-sync'],
      ['fixture-edge', 'fixture-edge@1.0.0', 'drifted'],
    ]);
    await applyStack({ workspaceRoot: estate, stack: 'fixture-edge', environment: 'local', log });
  }, 300_000);
});
