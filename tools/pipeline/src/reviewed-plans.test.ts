import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readReview, REVIEWED_PLANS_FILE, writeReview, type Review } from './reviewed-plans';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'review-'));
  dirs.push(dir);
  return dir;
};

const sha = (c: string) => c.repeat(64);
const review: Review = {
  schemaVersion: 1,
  base: 'a'.repeat(40),
  head: 'b'.repeat(40),
  createdAt: '2026-12-01T10:00:00.000Z',
  plans: [
    {
      stack: 'network',
      environment: 'dev',
      operation: 'apply',
      offline: false,
      configurationSha256: sha('c'),
      state: { lineage: 'l-1', serial: 4 },
      planFile: 'plans/network/dev/tfplan',
      planSha256: sha('d'),
      summary: { add: 1, change: 0, remove: 0, replace: [] },
      resourceChanges: [{ address: 'google_compute_network.vpc', actions: ['create'], valuesSha256: sha('e') }],
      outputChanges: ['vpc_id'],
    },
  ],
  refusals: [],
};

describe('the review kept between the pull request and the merge', () => {
  it('reads back what was written, with its plan files', () => {
    const dir = scratch();
    mkdirSync(join(dir, 'plans/network/dev'), { recursive: true });
    writeFileSync(join(dir, 'plans/network/dev/tfplan'), 'plan');
    writeReview(dir, review);
    expect(readReview(dir)).toEqual(review);
  });

  it('refuses a missing review, bad JSON, a bad key and a missing plan file, naming the file and the key', () => {
    const dir = scratch();
    const file = join(dir, REVIEWED_PLANS_FILE);
    expect(() => readReview(dir)).toThrow(`${file} does not exist: the pull request's plans are made by 'platform pipeline plan'`);
    writeFileSync(file, '{"schemaVersion": 1,');
    expect(() => readReview(dir)).toThrow(new RegExp(`^${file}: not valid JSON`));
    writeFileSync(file, JSON.stringify({ ...review, plans: [{ ...review.plans[0], planFile: '../../etc/passwd' }] }));
    expect(() => readReview(dir)).toThrow(`${file}: key 'plans.0.planFile':`);
    writeFileSync(file, JSON.stringify({ ...review, plans: [{ ...review.plans[0], state: { lineage: 'l', serial: -1 } }] }));
    expect(() => readReview(dir)).toThrow(`${file}: key 'plans.0.state.serial':`);
    writeFileSync(file, JSON.stringify(review));
    expect(() => readReview(dir)).toThrow(`${file}: the apply plan of network in dev needs plans/network/dev/tfplan, which is not in ${dir}`);
  });
});
