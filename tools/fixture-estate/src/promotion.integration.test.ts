import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { deliveryStatus, listRecords, loadTrustedKeys, packageStack, promote, PromotionGateError, publishSignedArtifact, renderStatus } from '@platform/delivery';
import { trustNewSigningKey, type FixtureSigningKey } from './fixture-signing';
import { engineWorkdir, readReleases } from '@platform/deploy';
import { FIXTURE_ESTATE } from './fixture-release';
import { runSynth } from '@platform/synth';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';
import { startStateServer, type StateServerSession } from '@platform/engine';
import { blobKey, fetchArtifact, LocalDirectoryStore, sha256Hex, TamperedArtifactError, UnknownVersionError } from '@platform/store';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
/* A copy of the repository: this file writes releases files and engine folders of its own. */
let repository: string;
let ESTATE: string;
const STACK = 'fixture-base';
const log = () => {};

describe('promotion of immutable artifacts through fx-dev -> fx-staging -> fx-prod', () => {
  let stateServer: StateServerSession;
  let store: LocalDirectoryStore;
  let storeDir: string;
  let key: FixtureSigningKey;
  const records = async (environment?: string, stack?: string) =>
    (await listRecords(store, loadTrustedKeys(ESTATE), { ...(environment ? { environment } : {}), ...(stack ? { stack } : {}) })).records;

  beforeAll(async () => {
    repository = copyWorkspaceAsRepository(WORKSPACE, 'promotion');
    ESTATE = join(repository, FIXTURE_ESTATE);
    stateServer = await startStateServer({ workspaceRoot: WORKSPACE, buckets: ['fixture-state'] });
    const outcomes = await runSynth({ workspaceRoot: ESTATE, stacks: [STACK], log });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    storeDir = mkdtempSync(join(tmpdir(), 'promotion-store-'));
    store = new LocalDirectoryStore(storeDir);
    key = trustNewSigningKey(ESTATE);
    for (const version of ['1.0.0', '1.1.0']) await publishSignedArtifact(store, await packageStack(ESTATE, STACK, version), key.signer);
  }, 900_000);

  afterAll(async () => {
    await stateServer?.stop();
    rmSync(storeDir, { recursive: true, force: true });
    if (repository) removeWorkspaceCopy(repository);
  });

  it('refuses a version that has not run in the environment before', async () => {
    await expect(promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.0.0', to: 'fx-staging', env: key.env, log })).rejects.toThrow(PromotionGateError);
    await expect(promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.0.0', to: 'fx-staging', env: key.env, log })).rejects.toThrow(
      /no signed record of a successful deploy of manifest [0-9a-f]{12} in fx-dev.*promotion\.after is fx-dev/,
    );
  });

  it('promotes through every environment, deploying the artifact bytes verified by checksum', async () => {
    const manifests = new Set<string>();
    for (const to of ['fx-dev', 'fx-staging', 'fx-prod']) {
      const record = await promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.0.0', to, env: key.env, log });
      expect(record).toMatchObject({ outcome: 'succeeded', kind: 'promotion', environment: to });
      manifests.add(record.manifestSha256!);
      const artifact = await fetchArtifact(store, STACK, '1.0.0');
      const deployed = readFileSync(join(ESTATE, engineWorkdir(STACK, to), 'main.tf.json'));
      expect(sha256Hex(deployed), `bytes deployed to ${to}`).toBe(artifact.manifest.files[`environments/${to}/cdk.tf.json`]!.sha256);
      expect(record.configurationSha256).toBe(sha256Hex(deployed));
      const lock = readFileSync(join(ESTATE, engineWorkdir(STACK, to), '.terraform.lock.hcl'));
      expect(sha256Hex(lock), `provider lock file deployed to ${to}`).toBe(artifact.manifest.files['.terraform.lock.hcl']!.sha256);
      expect(readReleases(ESTATE, to).stacks[STACK]).toMatchObject({ version: '1.0.0', manifestSha256: record.manifestSha256 });
    }
    expect(manifests.size, 'one artifact for every environment').toBe(1);
  }, 300_000);

  it('lets a break-glass promotion skip the gate and records why', async () => {
    await expect(promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.1.0', to: 'fx-prod', env: key.env, log })).rejects.toThrow(PromotionGateError);
    const record = await promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.1.0', to: 'fx-prod', breakGlass: { reason: 'INC-42 hotfix' }, env: key.env, log });
    expect(record).toMatchObject({ outcome: 'succeeded', breakGlass: { reason: 'INC-42 hotfix', skippedGate: 'fx-staging' } });
    expect(readReleases(ESTATE, 'fx-prod').stacks[STACK]!.version).toBe('1.1.0');
  }, 120_000);

  it('rolls back by promoting an earlier version, recorded as a rollback', async () => {
    const record = await promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.0.0', to: 'fx-prod', env: key.env, log });
    expect(record.kind).toBe('rollback');
    expect(readReleases(ESTATE, 'fx-prod').stacks[STACK]!.version).toBe('1.0.0');
    const history = await records('fx-prod', STACK);
    expect(history.every((r) => r.signedBy === 'fixture-ci' && r.operation === 'promote' && r.durationSeconds! >= 0)).toBe(true);
    expect(history.map((r) => [r.version, r.kind, r.outcome, r.breakGlass?.reason ?? null])).toEqual([
      ['1.0.0', 'promotion', 'succeeded', null],
      ['1.1.0', 'promotion', 'succeeded', 'INC-42 hotfix'],
      ['1.0.0', 'rollback', 'succeeded', null],
    ]);
  }, 120_000);

  it('reports what each environment runs, the lag and the delivery metrics', async () => {
    const status = await deliveryStatus(ESTATE, store);
    expect(status.order).toEqual(['fx-dev', 'fx-staging', 'fx-prod']);
    const base = status.stacks.find((s) => s.stack === STACK)!;
    expect(base).toMatchObject({
      latest: '1.1.0',
      running: { 'fx-dev': '1.0.0', 'fx-staging': '1.0.0', 'fx-prod': '1.0.0' },
      lag: { 'fx-dev': 1, 'fx-staging': 1, 'fx-prod': 1 },
      // fx-prod: a promotion, a break-glass promotion and a rollback; the last two are failed changes.
      changeFailRate: 2 / 3,
    });
    expect(base.environments['fx-dev']).toMatchObject({ changes: 1, changeFailRate: 0, unfinished: 0 });
    expect(status.breakGlass).toEqual([expect.objectContaining({ stack: STACK, environment: 'fx-prod', operation: 'promote', reason: 'INC-42 hotfix', outcome: 'succeeded' })]);
    expect(base.leadTimeHours).toBeGreaterThanOrEqual(0);
    // In fx-prod, the last environment: three successful deploys within a day.
    expect(base.deploymentsPerDay).toBe(3);
    expect(status.stacks.find((s) => s.stack === 'fixture-app')).toMatchObject({ latest: null, running: { 'fx-prod': null } });
    expect(renderStatus(status)).toMatch(/\| fixture-base \| 1\.1\.0 +\| 1\.0\.0 \(1\) +\| 1\.0\.0 \(1\) +\| 1\.0\.0 \(1\) /);
  });

  it('refuses a tampered artifact and an unknown version, deploying nothing', async () => {
    const before = (await records()).length;
    await expect(promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '9.9.9', to: 'fx-dev', env: key.env, log })).rejects.toThrow(UnknownVersionError);
    const artifact = await fetchArtifact(store, STACK, '1.1.0');
    await store.put(blobKey(artifact.manifest.files['environments/fx-dev/cdk.tf.json']!.sha256), Buffer.from('{}'));
    await expect(promote({ workspaceRoot: ESTATE, store, stack: STACK, version: '1.1.0', to: 'fx-dev', env: key.env, log })).rejects.toThrow(TamperedArtifactError);
    expect((await records()).length).toBe(before);
  }, 60_000);
});
