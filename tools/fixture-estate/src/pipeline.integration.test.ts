import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { listRecords, loadTrustedKeys } from '@platform/delivery';
import { engineWorkdir } from '@platform/deploy';
import { startStateServer, type StateServerSession } from '@platform/engine';
import { readReview, REVIEWED_PLANS_DIR, PR_COMMENT_FILE, type Review } from '@platform/pipeline';
import { LocalDirectoryStore } from '@platform/store';
import { commitAll, copyWorkspaceAsRepository, removeWorkspaceCopy, TSX } from '@platform/testing';
import { FIXTURE_ESTATE } from './fixture-release';
import { trustNewSigningKey, type FixtureSigningKey } from './fixture-signing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const PLATFORM = join(WORKSPACE, 'tools/cli/bin/platform.mts');
const DEV = 'fx-dev';

/*
 * The workflows' steps, run as the workflows run them (one `platform` command each), on a git
 * copy of the repository with the fixture estate, the real engine and the real S3 state server:
 * a pull request's plans, the merge applying them, consumers re-planned, a deleted stack
 * destroyed, then release and promotion. One file: its tests run in order on one estate.
 */
describe('the pipeline from pull request to production', () => {
  let stateServer: StateServerSession;
  let repository: string;
  let estate: string;
  let storeDir: string;
  let key: FixtureSigningKey;
  let main: string;

  function platform(args: readonly string[]) {
    const result = spawnSync(process.execPath, [...TSX, PLATFORM, '--estate', estate, ...args], { cwd: repository, encoding: 'utf8', env: { ...process.env, ...key.env, PLATFORM_STORE: storeDir } });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}\n${result.stderr}` };
  }
  function git(...args: string[]): string {
    const result = spawnSync('git', args, { cwd: repository, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    return result.stdout.trim();
  }
  /** A pull request: one commit on top of main with the edit. */
  function change(message: string, edit: () => void): string {
    edit();
    commitAll(repository, message);
    return git('rev-parse', 'HEAD');
  }
  function setting(environment: string, stack: string, from: RegExp, to: string): void {
    const file = join(estate, 'environments', environment, `${stack}.yaml`);
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(from);
    writeFileSync(file, text.replace(from, to));
  }
  const review = (): Review => readReview(join(estate, REVIEWED_PLANS_DIR));
  const comment = () => readFileSync(join(estate, REVIEWED_PLANS_DIR, PR_COMMENT_FILE), 'utf8');
  const records = async () => (await listRecords(new LocalDirectoryStore(storeDir), loadTrustedKeys(estate), { environment: DEV })).records;
  /** The pull request's plan step, then the merge: main moves to the head. */
  function planPullRequest(): ReturnType<typeof platform> {
    return platform(['pipeline', 'plan', '--base', main, '--head', 'HEAD']);
  }
  function merge(): ReturnType<typeof platform> {
    const applied = platform(['pipeline', 'apply', '--env', DEV]);
    if (applied.code === 0) main = git('rev-parse', 'HEAD');
    return applied;
  }

  beforeAll(async () => {
    repository = copyWorkspaceAsRepository(WORKSPACE, 'pipeline');
    estate = join(repository, FIXTURE_ESTATE);
    key = trustNewSigningKey(estate);
    commitAll(repository, 'trust the fixture CI key');
    main = git('rev-parse', 'HEAD');
    storeDir = mkdtempSync(join(tmpdir(), 'pipeline-store-'));
    stateServer = await startStateServer({ workspaceRoot: WORKSPACE, buckets: ['fixture-state'] });
    expect(platform(['synth']).code).toBe(0);
    for (const stack of ['fixture-base', 'fixture-app', 'fixture-edge']) {
      const applied = platform(['apply', stack, '--env', DEV]);
      expect(applied.code, applied.output).toBe(0);
    }
  }, 900_000);

  afterAll(async () => {
    await stateServer?.stop();
    if (storeDir) rmSync(storeDir, { recursive: true, force: true });
    if (repository) removeWorkspaceCopy(repository);
  });

  it('plans on the pull request exactly the changed stack where its output changes, and comments each plan with the state it was made against', () => {
    change('fixture-base: a longer suffix in fx-dev', () => setting(DEV, 'fixture-base', /suffixBytes: 4/, 'suffixBytes: 5'));
    const planned = planPullRequest();
    expect(planned.code, planned.output).toBe(0);
    const { plans } = review();
    expect(plans.map((p) => `${p.stack}/${p.environment}/${p.operation}`)).toEqual(['fixture-base/fx-dev/apply']);
    expect(plans[0]!.state?.serial).toBeGreaterThan(0);
    expect(plans[0]!.summary.replace).toContain('random_id.suffix');
    expect(plans[0]!.outputChanges).toContain('suffix');
    const text = comment();
    expect(text).toMatch(/\| fixture-base \| fx-dev +\| apply +\| 1 +\| 1 +\| 1 +\| `random_id.suffix` +\| pass +\| state serial \d+/);
    expect(text).toContain('**fixture-app** (fx-dev) reads fixture-base.suffix; the plan changes suffix: planned again and applied after fixture-base');
    expect(text).toContain('## Blast radius');
  }, 300_000);

  it('refuses at merge a reviewed plan whose state changed since and whose new plan differs, applying nothing', async () => {
    const outOfBand = platform(['apply', 'fixture-base', '--env', DEV]);
    expect(outOfBand.code, outOfBand.output).toBe(0);
    const before = (await records()).length;
    const merged = merge();
    expect(merged.code, merged.output).toBe(64);
    expect(merged.stderr).toMatch(
      /fixture-base \(fx-dev\): the reviewed plan is stale, the state changed since it was planned \(serial \d+ of lineage \w+, now serial \d+ of lineage \w+\), and a new plan differs from it: reviewed random_id.suffix delete\+create, now no change/,
    );
    expect(merged.stderr).toContain('Nothing of fixture-base was applied');
    expect((await records()).length, 'nothing recorded').toBe(before);
    const protectedTarget = platform(['pipeline', 'apply', '--env', 'fx-staging']);
    expect(protectedTarget.code, protectedTarget.output).toBe(64);
    expect(protectedTarget.stderr).toContain("refusing to apply the reviewed plans to fx-staging: it is a staging environment (environments/fx-staging/environment.yaml: tier), which changes only by promotion: 'platform pipeline promote --to fx-staging'");
  }, 300_000);

  it('applies the reviewed plan at merge, then re-plans and applies exactly the consumers that read a changed output, recorded', async () => {
    change('fixture-base: a longer suffix in fx-dev again', () => setting(DEV, 'fixture-base', /suffixBytes: 5/, 'suffixBytes: 6'));
    expect(planPullRequest().code).toBe(0);
    const greetingBefore = platform(['output', 'fixture-edge', '--env', DEV]).stdout;
    const merged = merge();
    expect(merged.code, merged.output).toBe(0);
    expect(merged.stdout).toMatch(/\| fixture-base +\| apply +\| reviewed plan +\| 1 +\| 1 +\| 1 +\| suffix/);
    expect(merged.stdout).toMatch(/\| fixture-app +\| apply +\| upstream outputs changed +\|.*\| app_name/);
    expect(merged.stdout).toMatch(/\| fixture-edge +\| apply +\| upstream outputs changed +\|.*\| greeting/);
    expect(platform(['output', 'fixture-edge', '--env', DEV]).stdout).not.toBe(greetingBefore);
    const latest = (await records()).slice(-3);
    expect(latest.map((r) => [r.stack, r.operation, r.pipeline, r.outcome, r.signedBy])).toEqual([
      ['fixture-base', 'apply', 'reviewed plan', 'succeeded', key.id],
      ['fixture-app', 'apply', 'upstream outputs changed', 'succeeded', key.id],
      ['fixture-edge', 'apply', 'upstream outputs changed', 'succeeded', key.id],
    ]);
  }, 400_000);

  it('leaves alone a consumer that reads none of the outputs the apply changed', async () => {
    change('fixture-base: a new creation time in fx-dev', () => writeFileSync(join(estate, 'environments', DEV, 'fixture-base.yaml'), `${readFileSync(join(estate, 'environments', DEV, 'fixture-base.yaml'), 'utf8')}createdFor: pipeline-test\n`));
    expect(planPullRequest().code).toBe(0);
    expect(comment()).toContain('- fixture-app (fx-dev) reads fixture-base.suffix, which the plan does not change: left alone');
    const before = (await records()).length;
    const planFile = join(estate, REVIEWED_PLANS_DIR, review().plans[0]!.planFile);
    const reviewedBytes = readFileSync(planFile);
    writeFileSync(planFile, Buffer.concat([reviewedBytes, Buffer.from('tampered')]));
    const tampered = merge();
    expect(tampered.code, tampered.output).toBe(64);
    expect(tampered.stderr).toContain(`${planFile}: sha256 is not the reviewed ${review().plans[0]!.planSha256.slice(0, 12)}: the plan file was changed after review`);
    writeFileSync(planFile, reviewedBytes);
    const merged = merge();
    expect(merged.code, merged.output).toBe(0);
    expect(merged.stdout).toMatch(/\| fixture-base +\| apply +\| reviewed plan +\|.*\| created_at/);
    expect(merged.stdout).toContain('left alone: fixture-app (reads fixture-base.suffix of what changed; none of it changed)');
    expect((await records()).slice(before).map((r) => r.stack)).toEqual(['fixture-base']);
  }, 300_000);

  it('releases, promotes through dev, staging and prod in order, and holds a promotion out of order or onto a drifted environment', () => {
    const STACKS = ['fixture-base', 'fixture-app', 'fixture-edge'];
    const release = (version: string) => {
      change(`chore(release): ${version}`, () => {
        for (const stack of STACKS) {
          const file = join(estate, 'stacks', stack, 'package.json');
          writeFileSync(file, readFileSync(file, 'utf8').replace(/"version": "[^"]+"/, `"version": "${version}"`));
        }
      });
      for (const stack of STACKS) {
        for (const step of ['package', 'publish']) {
          const run = platform([step, stack]);
          expect(run.code, run.output).toBe(0);
        }
      }
    };
    const promote = (...args: string[]) => platform(['pipeline', 'promote', ...args]);
    release('1.1.0');

    const early = promote('fixture-base@1.1.0', '--to', 'fx-staging');
    expect(early.code, early.output).toBe(64);
    expect(early.stderr).toContain('fixture-base@1.1.0 cannot go to fx-staging yet: it has no signed record of a successful deploy of manifest');
    expect(promote('--to', 'fx-staging').stderr).toContain('nothing waits to go to fx-staging');

    const dev = promote('--to', DEV);
    expect(dev.code, dev.output).toBe(0);
    expect(dev.stdout).toMatch(/\| fixture-base \| 1\.1\.0 +\| fx-dev +\| promotion/);
    expect(dev.stdout.indexOf('fixture-base')).toBeLessThan(dev.stdout.indexOf('fixture-edge'));
    const skipping = promote('fixture-base@1.1.0', '--to', 'fx-prod');
    expect(skipping.code, skipping.output).toBe(64);
    expect(skipping.stderr).toContain('fixture-base@1.1.0 cannot go to fx-prod yet: it has no signed record of a successful deploy of manifest');
    const staging = promote('--to', 'fx-staging');
    expect(staging.code, staging.output).toBe(0);
    expect(staging.stdout.match(/\| fx-staging +\| promotion/g)).toHaveLength(3);

    // Someone edits the page in staging by hand; the next release stops there until it is reconciled.
    const page = join(estate, engineWorkdir('fixture-edge', 'fx-staging'), 'site/index.html');
    writeFileSync(page, '<h1>edited by hand</h1>\n');
    release('1.2.0');
    expect(promote('--to', DEV).code).toBe(0);
    const drifted = promote('fixture-edge@1.2.0', '--to', 'fx-staging');
    expect(drifted.code, drifted.output).toBe(64);
    expect(drifted.stderr).toContain('fixture-edge@1.2.0 cannot go to fx-staging: fx-staging has drifted from fixture-edge@1.1.0, which it runs: local_file.page');
    const reconciled = promote('fixture-edge@1.2.0', '--to', 'fx-staging', '--break-glass', 'TEST-1 the hand edit is what 1.2.0 overwrites');
    expect(reconciled.code, reconciled.output).toBe(0);
    expect(readFileSync(page, 'utf8')).not.toContain('edited by hand');

    const prod = promote('--to', 'fx-prod');
    expect(prod.code, prod.output).toBe(0);
    expect(prod.stdout).toMatch(/\| fixture-base \| 1\.1\.0 +\| fx-prod +\| promotion/);
    expect(prod.stdout).toMatch(/\| fixture-edge \| 1\.2\.0 +\| fx-prod +\| promotion/);
    const rollback = promote('fixture-edge@1.1.0', '--to', 'fx-prod');
    expect(rollback.code, rollback.output).toBe(0);
    expect(rollback.stdout).toMatch(/\| fixture-edge \| 1\.1\.0 +\| fx-prod +\| rollback/);
  }, 900_000);

  it('refuses to delete a stack another still reads, naming the reader, and destroys a deleted stack at merge where it has state', async () => {
    change('delete fixture-app', () => rmSync(join(estate, 'stacks/fixture-app'), { recursive: true }));
    const refused = planPullRequest();
    expect(refused.code, refused.output).toBe(64);
    expect(comment()).toContain('fixture-app is deleted, but fixture-edge still reads its outputs (stacks/fixture-edge/package.json: stack.upstream)');
    git('reset', '--hard', main);

    change('delete fixture-edge', () => rmSync(join(estate, 'stacks/fixture-edge'), { recursive: true }));
    const planned = planPullRequest();
    expect(planned.code, planned.output).toBe(0);
    expect(review().plans.map((p) => `${p.stack}/${p.environment}/${p.operation}`)).toEqual(['fixture-edge/fx-dev/destroy', 'fixture-edge/fx-prod/destroy', 'fixture-edge/fx-staging/destroy']);
    expect(comment()).toMatch(/\| fixture-edge \| fx-dev +\| destroy \(stack deleted\) \| 0 +\| 0 +\| 2 +\|/);
    expect(comment()).toMatch(/\| fixture-edge \| fx-prod +\| destroy \(stack deleted\) \| 0 +\| 0 +\| 2 +\|/);
    const merged = merge();
    expect(merged.code, merged.output).toBe(0);
    expect(merged.stdout).toMatch(/\| fixture-edge +\| destroy +\| reviewed plan +\| 0 +\| 0 +\| 2 +\|/);
    expect((await records()).at(-1)).toMatchObject({ stack: 'fixture-edge', operation: 'destroy', outcome: 'succeeded', pipeline: 'reviewed plan' });

    // Staging and production lose the stack by promotion of its deletion, in order.
    const early = platform(['pipeline', 'promote', '--to', 'fx-prod']);
    expect(early.code, early.output).toBe(0);
    expect(early.stderr).toContain('nothing waits to go to fx-prod');
    for (const environment of ['fx-staging', 'fx-prod']) {
      const promoted = platform(['pipeline', 'promote', '--to', environment]);
      expect(promoted.code, promoted.output).toBe(0);
      expect(promoted.stdout).toMatch(new RegExp(`\\| fixture-edge \\| 1\\.\\d\\.0 +\\| ${environment} +\\| destroy`));
      const { records: there } = await listRecords(new LocalDirectoryStore(storeDir), loadTrustedKeys(estate), { environment, stack: 'fixture-edge' });
      expect(there.at(-1)).toMatchObject({ operation: 'destroy', outcome: 'succeeded', signedBy: key.id });
    }
  }, 400_000);
});
