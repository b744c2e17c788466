import { spawnSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { generateSigningKey, listRecords, loadTrustedKeys, manifestSignatureKey, promote, publishSignedArtifact, readPackagedArtifact, recordFolder, signPayload, type DeploymentRecord } from '@platform/delivery';
import { engineWorkdir, readReleases } from '@platform/deploy';
import { startStateServer, type StateServerSession } from '@platform/engine';
import { blobKey, canonicalJson, LocalDirectoryStore, manifestBytes, manifestKey, sha256Hex, type ObjectStore } from '@platform/store';
import { runSynth } from '@platform/synth';
import { commitAll, copyWorkspaceAsRepository, removeWorkspaceCopy, TSX } from '@platform/testing';
import { FIXTURE_ESTATE } from './fixture-release';
import { retireSigningKey, trustNewSigningKey, type FixtureSigningKey } from './fixture-signing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const PLATFORM = join(WORKSPACE, 'tools/cli/bin/platform.mts');
const STACK = 'fixture-base';

/*
 * Staging and production change only by promotion of a released, signed artifact whose manifest
 * succeeded in the environment before; every run is recorded. Proved through the commands a
 * user runs (`platform --estate <fixture estate> ...`), the real engine and the real S3 state
 * server, on a copy of the repository. One file: its tests run in order on one store.
 */
describe('protected environments, signed artifacts and durable records', () => {
  let stateServer: StateServerSession;
  let repository: string;
  let estate: string;
  let storeDir: string;
  let store: LocalDirectoryStore;
  let key: FixtureSigningKey;
  let next: FixtureSigningKey;

  function platform(args: readonly string[], env: NodeJS.ProcessEnv = key.env) {
    const result = spawnSync(process.execPath, [...TSX, PLATFORM, '--estate', estate, ...args], { cwd: repository, encoding: 'utf8', env: { ...process.env, ...env, PLATFORM_STORE: storeDir } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
  }
  const records = async (environment?: string) => (await listRecords(store, loadTrustedKeys(estate), environment ? { environment } : {})).records;
  const publish = (version: string, env: NodeJS.ProcessEnv = key.env) => {
    const packaged = platform(['package', STACK, '--version', version], env);
    expect(packaged.code, packaged.output).toBe(0);
    return platform(['publish', STACK, '--version', version], env);
  };

  beforeAll(async () => {
    repository = copyWorkspaceAsRepository(WORKSPACE, 'protected-delivery');
    estate = join(repository, FIXTURE_ESTATE);
    key = trustNewSigningKey(estate);
    commitAll(repository, 'trust the fixture CI key');
    storeDir = mkdtempSync(join(tmpdir(), 'protected-store-'));
    store = new LocalDirectoryStore(storeDir);
    stateServer = await startStateServer({ workspaceRoot: WORKSPACE, buckets: ['fixture-state'] });
    expect((await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} })).every((o) => o.ok)).toBe(true);
  }, 900_000);

  afterAll(async () => {
    await stateServer?.stop();
    rmSync(storeDir, { recursive: true, force: true });
    if (repository) removeWorkspaceCopy(repository);
  });

  it('refuses apply and destroy of the working tree in staging and production before any engine call, saying how to promote', () => {
    for (const [operation, environment] of [['apply', 'fx-prod'], ['apply', 'fx-staging'], ['destroy', 'fx-prod']] as const) {
      const run = platform([operation, STACK, '--env', environment]);
      expect(run.code, run.output).toBe(64);
      expect(run.stderr).toMatch(new RegExp(`refusing to ${operation} ${STACK} in ${environment}: it is a (production|staging) environment .*changes only by promotion.*--break-glass "<ticket and reason>"`));
      expect(existsSync(join(estate, engineWorkdir(STACK, environment))), 'no engine working directory').toBe(false);
    }
    expect(existsSync(join(storeDir, 'records')), 'nothing recorded').toBe(false);
  }, 120_000);

  it('refuses a break-glass reason that is empty after trimming, on apply and on promote', () => {
    for (const args of [['apply', STACK, '--env', 'fx-prod', '--break-glass', '   '], ['promote', `${STACK}@1.0.0`, '--to', 'fx-prod', '--break-glass', ' ']]) {
      const run = platform(args);
      expect(run.code, run.output).toBe(64);
      expect(run.stderr).toContain('--break-glass needs a reason (a ticket and why), not an empty one');
    }
  }, 60_000);

  it('records an apply of the working tree in dev as started, then completed with its commit, plan digest, actor and duration', async () => {
    const run = platform(['apply', STACK, '--env', 'local']);
    expect(run.code, run.output).toBe(0);
    const [record] = await records('local');
    const git = (...args: string[]) => spawnSync('git', args, { cwd: repository, encoding: 'utf8' }).stdout.trim();
    const identity = `${git('config', 'user.name')} <${git('config', 'user.email')}>`;
    expect(record).toMatchObject({ operation: 'apply', outcome: 'succeeded', gitCommit: git('rev-parse', 'HEAD'), actor: identity, signedBy: 'fixture-ci' });
    expect(record!.planSha256).toBe(sha256Hex(readFileSync(join(estate, engineWorkdir(STACK, 'local'), 'tfplan'))));
    expect(existsSync(join(storeDir, recordFolder(record!), 'started.json')) && existsSync(join(storeDir, recordFolder(record!), 'completed.json'))).toBe(true);
    expect(platform(['destroy', STACK, '--env', 'local']).code).toBe(0);
  }, 300_000);

  it('publishes only signed manifests, by a key the estate trusts', () => {
    const unsigned = publish('1.0.0', { PLATFORM_SIGNING_KEY: '' });
    expect(unsigned.code, unsigned.output).toBe(64);
    expect(unsigned.stderr).toMatch(/the manifest of fixture-base@1\.0\.0 must be signed: set PLATFORM_SIGNING_KEY .*'fixture-ci'/);
    const stranger = publish('1.0.0', { PLATFORM_SIGNING_KEY: generateSigningKey().privateKeyPem });
    expect(stranger.code, stranger.output).toBe(64);
    expect(stranger.stderr).toMatch(/the signing key in PLATFORM_SIGNING_KEY is not one that environments\/signing-keys\.yaml trusts/);
    expect(existsSync(join(storeDir, 'artifacts')), 'nothing published').toBe(false);
    const signed = publish('1.0.0');
    expect(signed.code, signed.output).toBe(0);
    expect(signed.stdout).toMatch(/fixture-base@1\.0\.0: published in .* signed by fixture-ci/);
  }, 120_000);

  it('promotes the signed artifact to fx-dev and fx-staging, but not to fx-prod around its gate', () => {
    for (const to of ['fx-dev', 'fx-staging']) {
      const run = platform(['promote', `${STACK}@1.0.0`, '--to', to]);
      expect(run.code, run.output).toBe(0);
    }
    expect(publish('1.1.0').code).toBe(0);
    const early = platform(['promote', `${STACK}@1.1.0`, '--to', 'fx-prod']);
    expect(early.code, early.output).toBe(64);
    expect(early.stderr).toMatch(/fixture-base@1\.1\.0 cannot go to fx-prod yet: it has no signed record of a successful deploy of manifest [0-9a-f]{12} in fx-staging/);
  }, 300_000);

  it('refuses a manifest swapped in the store, edited or re-signed with the wrong bytes, deploying nothing', async () => {
    const key100 = manifestKey(STACK, '1.0.0');
    const original = readFileSync(join(storeDir, key100));
    const manifest = JSON.parse(original.toString('utf8')) as Record<string, unknown> & { files: Record<string, { sha256: string; size: number }>; gitCommit: string };
    try {
      // One injected resource, with its blob and a manifest that matches it, but no signature.
      const file = 'environments/fx-prod/cdk.tf.json';
      const json = JSON.parse(readFileSync(join(storeDir, blobKey(manifest.files[file]!.sha256)), 'utf8')) as { resource: Record<string, unknown> };
      json.resource['terraform_data'] = { injected: { input: 'attacker' } };
      const bytes = Buffer.from(JSON.stringify(json, null, 2));
      await store.put(blobKey(sha256Hex(bytes)), bytes);
      const swapped = { ...manifest, files: { ...manifest.files, [file]: { sha256: sha256Hex(bytes), size: bytes.length } } };
      writeFileSync(join(storeDir, key100), canonicalJson(swapped));
      const refused = platform(['promote', `${STACK}@1.0.0`, '--to', 'fx-prod']);
      expect(refused.code, refused.output).not.toBe(0);
      expect(refused.stderr).toMatch(/artifacts\/fixture-base\/1\.0\.0\/manifest\.json \(sha256 [0-9a-f]{12}\) is not signed/);

      // The old signature copied beside the edited manifest (gitCommit changed) does not match it.
      const edited = { ...manifest, gitCommit: 'f'.repeat(40) };
      writeFileSync(join(storeDir, key100), canonicalJson(edited));
      const signature = readFileSync(join(storeDir, manifestSignatureKey(sha256Hex(original), 'fixture-ci')));
      await store.put(manifestSignatureKey(sha256Hex(canonicalJson(edited)), 'fixture-ci'), signature);
      const mismatch = platform(['promote', `${STACK}@1.0.0`, '--to', 'fx-prod']);
      expect(mismatch.code, mismatch.output).not.toBe(0);
      expect(mismatch.stderr).toMatch(/the signature by key 'fixture-ci' does not match its content/);
      expect(readReleases(estate, 'fx-prod').stacks[STACK], 'nothing deployed').toBeUndefined();
      expect((await records('fx-prod')).length, 'nothing recorded').toBe(0);
    } finally {
      writeFileSync(join(storeDir, key100), original);
    }
  }, 180_000);

  it('refuses a properly signed manifest that is not the one that succeeded in the environment before', async () => {
    // The same version built again from another commit and signed by CI (a real key, other bytes),
    // swapped in by someone with write access to the store.
    writeFileSync(join(estate, 'environments/fx-prod/fixture-base.yaml'), `${readFileSync(join(estate, 'environments/fx-prod/fixture-base.yaml'), 'utf8')}# rebuilt\n`);
    commitAll(repository, 'another build of 1.0.0');
    await runSynth({ workspaceRoot: estate, stacks: [STACK], log: () => {} });
    expect(platform(['package', STACK, '--version', '1.0.0']).code).toBe(0);
    const other = readPackagedArtifact(estate, STACK, '1.0.0');
    const original = readFileSync(join(storeDir, manifestKey(STACK, '1.0.0')));
    try {
      for (const [path, bytes] of other.files) await store.put(blobKey(other.manifest.files[path]!.sha256), bytes);
      await publishSignedArtifact(overwriting(store, manifestKey(STACK, '1.0.0')), other, key.signer);
      const refused = platform(['promote', `${STACK}@1.0.0`, '--to', 'fx-prod']);
      expect(refused.code, refused.output).toBe(64);
      expect(refused.stderr).toMatch(/records\/fx-staging\/fixture-base\/.* ran manifest [0-9a-f]{12} there, not this one: the artifact in the store is not the one that ran in fx-staging/);
    } finally {
      writeFileSync(join(storeDir, manifestKey(STACK, '1.0.0')), original);
    }
  }, 180_000);

  it('refuses a hand-written "succeeded" record as evidence, unsigned or signed by a key nobody trusts', async () => {
    const manifestSha256 = sha256Hex(manifestBytes(readPackagedArtifactFromStore(storeDir, '1.1.0')));
    const forged: Omit<DeploymentRecord, 'signature'> = {
      schemaVersion: 2,
      id: '00000000-0000-4000-8000-000000000001',
      stack: STACK,
      environment: 'fx-staging',
      operation: 'promote',
      kind: 'promotion',
      version: '1.1.0',
      manifestSha256,
      configurationSha256: 'a'.repeat(64),
      gitCommit: 'b'.repeat(40),
      actor: 'mallory',
      startedAt: '2026-12-01T00:00:00.000Z',
      outcome: 'succeeded',
      at: '2026-12-01T00:00:01.000Z',
    };
    await store.put(`${recordFolder(forged)}/completed.json`, Buffer.from(JSON.stringify(forged)));
    const unsigned = platform(['promote', `${STACK}@1.1.0`, '--to', 'fx-prod']);
    expect(unsigned.code, unsigned.output).toBe(64);
    expect(unsigned.stderr).toMatch(/records\/fx-staging\/fixture-base\/2026-12-01T00-00-00-000Z-0{8}-0{4}-4000-8000-0{11}1\/completed\.json is not signed, so it proves nothing/);

    const mallory = generateSigningKey();
    const untrusted = { ...forged, id: '00000000-0000-4000-8000-000000000002' };
    const signature = signPayload({ keyId: 'fixture-ci-2', key: createPrivateKey(mallory.privateKeyPem) }, 'deployment-record', Buffer.from(canonicalJson(untrusted)));
    await store.put(`${recordFolder(untrusted)}/completed.json`, Buffer.from(JSON.stringify({ ...untrusted, signature })));
    const wrongKey = platform(['promote', `${STACK}@1.1.0`, '--to', 'fx-prod']);
    expect(wrongKey.code, wrongKey.output).toBe(64);
    expect(wrongKey.stderr).toMatch(/completed\.json is signed by key 'fixture-ci-2', which environments\/signing-keys\.yaml does not trust/);
    const list = platform(['records', 'list', '--env', 'fx-staging']);
    expect(list.stdout).toMatch(/rejected: records\/fx-staging\/.*0{11}2\/completed\.json is signed by key 'fixture-ci-2'/);
  }, 120_000);

  it('never lets an artifact packaged from a dirty tree reach staging or production, even with break-glass', () => {
    writeFileSync(join(estate, 'stacks/fixture-base/NOTES.md'), 'uncommitted\n');
    try {
      const refused = platform(['package', STACK, '--version', '1.2.0']);
      expect(refused.code, refused.output).toBe(64);
      expect(refused.stderr).toMatch(/refusing to package fixture-base@1\.2\.0: its sources differ from commit [0-9a-f]{12} \((tools\/fixture-estate\/)?stacks\/fixture-base\/NOTES\.md\).*--allow-dirty/);
      const dirty = platform(['package', STACK, '--version', '1.2.0', '--allow-dirty']);
      expect(dirty.code, dirty.output).toBe(0);
      expect(dirty.stderr).toContain('DIRTY');
      expect(platform(['publish', STACK, '--version', '1.2.0']).code).toBe(0);
      const toStaging = platform(['promote', `${STACK}@1.2.0`, '--to', 'fx-staging', '--break-glass', 'INC-9 try the fix']);
      expect(toStaging.code, toStaging.output).toBe(64);
      expect(toStaging.stderr).toMatch(/packaged from a working tree with uncommitted changes .*a staging environment takes only artifacts of a clean tree/);
    } finally {
      rmSync(join(estate, 'stacks/fixture-base/NOTES.md'), { force: true });
    }
  }, 180_000);

  it('records a break-glass apply in staging durably, and status lists it and counts it as a failed change', async () => {
    const ci = { ...key.env, GITHUB_ACTOR: 'oncall-bot', GITHUB_RUN_ID: '4711', GITHUB_REPOSITORY: 'acme/platform' };
    const run = platform(['apply', STACK, '--env', 'fx-staging', '--break-glass', '  INC-7 restore the bucket by hand  '], ci);
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toMatch(/BREAK GLASS recorded: apply of fixture-base in fx-staging by oncall-bot \(acme\/platform run 4711\): INC-7 restore the bucket by hand/);
    const breakGlass = (await records('fx-staging')).filter((r) => r.breakGlass);
    expect(breakGlass.map((r) => [r.operation, r.outcome, r.breakGlass!.reason, r.actor])).toEqual([['apply', 'succeeded', 'INC-7 restore the bucket by hand', 'oncall-bot (acme/platform run 4711)']]);
    const status = platform(['status', '--json']);
    expect(status.code, status.output).toBe(0);
    const json = JSON.parse(status.stdout) as { breakGlass: { reason: string }[]; stacks: { stack: string; environments: Record<string, { changes: number; changeFailRate: number }> }[] };
    expect(json.breakGlass.map((b) => b.reason)).toEqual(['INC-7 restore the bucket by hand']);
    // fx-staging: the promotion of 1.0.0 and the break-glass apply.
    expect(json.stacks.find((s) => s.stack === STACK)!.environments['fx-staging']).toMatchObject({ changes: 2, changeFailRate: 0.5 });
    expect(platform(['status']).stdout).toMatch(/\| fixture-base \| fx-staging +\| apply +\| oncall-bot \(acme\/platform run 4711\) \| INC-7 restore the bucket by hand \| succeeded \|/);
  }, 300_000);

  it('keeps a promotion whose record could not be completed visible, and repairs it from the state', async () => {
    const failing = failingCompletions(store);
    await expect(promote({ workspaceRoot: estate, store: failing, stack: STACK, version: '1.1.0', to: 'fx-dev', env: key.env, log: () => {} })).rejects.toThrow(
      /fixture-base@1\.1\.0 was deployed to fx-dev \(releases\.json updated\), but its record could not be completed: .*records repair --env fx-dev/,
    );
    expect(readReleases(estate, 'fx-dev').stacks[STACK]!.version).toBe('1.1.0');
    const unfinished = (await records('fx-dev')).filter((r) => r.outcome === 'started');
    expect(unfinished.map((r) => r.version)).toEqual(['1.1.0']);
    expect(platform(['records', 'repair', '--env', 'fx-dev']).stdout, 'a fresh run may still be going').toMatch(/0 record\(s\) completed, 1 left as started/);

    const repair = platform(['records', 'repair', '--env', 'fx-dev', '--min-age', '0']);
    expect(repair.code, repair.output).toBe(0);
    expect(repair.stdout).toMatch(/succeeded \(repaired: a plan of fixture-base@1\.1\.0 against the state shows no changes\)/);
    const listed = await listRecords(store, loadTrustedKeys(estate), { environment: 'fx-dev' });
    const repaired = listed.records.find((r) => r.version === '1.1.0')!;
    expect(repaired, JSON.stringify(listed.rejected)).toMatchObject({ outcome: 'succeeded', signedBy: 'fixture-ci', repaired: { evidence: 'a plan of fixture-base@1.1.0 against the state shows no changes' } });
    // The repaired promotion opens the next gate like any signed success.
    expect(platform(['promote', `${STACK}@1.1.0`, '--to', 'fx-staging']).code).toBe(0);
  }, 300_000);

  it('rotates the signing key: a retired key signs nothing new, what it signed before stays valid', () => {
    next = trustNewSigningKey(estate, 'fixture-ci-2026');
    retireSigningKey(estate, 'fixture-ci', new Date().toISOString());
    commitAll(repository, 'rotate the signing key');
    const retired = publish('1.3.0');
    expect(retired.code, retired.output).toBe(64);
    expect(retired.stderr).toMatch(/the signing key in PLATFORM_SIGNING_KEY is 'fixture-ci', retired since .*: sign with its successor/);
    const rotated = publish('1.3.0', next.env);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.stdout).toContain('signed by fixture-ci-2026');
    // 1.0.0 and its fx-staging record were signed by fixture-ci before it was retired.
    const old = platform(['promote', `${STACK}@1.0.0`, '--to', 'fx-prod'], next.env);
    expect(old.code, old.output).toBe(0);
    expect(platform(['promote', `${STACK}@1.3.0`, '--to', 'fx-dev'], next.env).code).toBe(0);
  }, 300_000);

  it('refuses everything a revoked key signed', () => {
    const file = join(estate, 'environments/signing-keys.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/( {2}- id: fixture-ci\n {4}publicKey: [^\n]+\n {4}retired: [^\n]+\n)/, '$1    revoked: true\n'));
    const run = platform(['promote', `${STACK}@1.0.0`, '--to', 'fx-prod'], next.env);
    expect(run.code, run.output).not.toBe(0);
    expect(run.stderr).toMatch(/is signed by key 'fixture-ci', which environments\/signing-keys\.yaml marks revoked/);
  }, 120_000);
});

/** The manifest of a published version, read straight from a local store's folder. */
function readPackagedArtifactFromStore(storeDir: string, version: string) {
  return JSON.parse(readFileSync(join(storeDir, manifestKey(STACK, version)), 'utf8')) as Parameters<typeof manifestBytes>[0];
}

/** The real store, with one change to its writes: a fault or an attacker's write, nothing mocked behind it. */
class AlteredWrites implements ObjectStore {
  readonly location: string;
  constructor(
    private readonly inner: ObjectStore,
    private readonly write: (key: string, options: { readonly ifAbsent?: boolean } | undefined) => { readonly ifAbsent?: boolean } | Error | undefined,
  ) {
    this.location = inner.location;
  }
  get(key: string) {
    return this.inner.get(key);
  }
  list(prefix: string) {
    return this.inner.list(prefix);
  }
  put(key: string, bytes: Uint8Array, options?: { readonly ifAbsent?: boolean }) {
    const altered = this.write(key, options);
    if (altered instanceof Error) return Promise.reject(altered);
    return this.inner.put(key, bytes, altered);
  }
}

/** The store going away right after an apply: the write of a run's completion fails. */
const failingCompletions = (store: ObjectStore) =>
  new AlteredWrites(store, (key, options) => (key.endsWith('/completed.json') ? new Error('connect ECONNREFUSED 127.0.0.1:9 (the store went away)') : options));

/** Someone with write access to the bucket: one key is overwritten although it exists. */
const overwriting = (store: ObjectStore, overwrite: string) => new AlteredWrites(store, (key, options) => (key === overwrite ? {} : options));
