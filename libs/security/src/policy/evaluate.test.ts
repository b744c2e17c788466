import { GoogleProvider } from '@cdktf/provider-google/lib/provider';
import { App, Testing, TerraformStack } from 'cdktf';
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compliant } from '../__fixtures__/compliant';
import { googleStack } from '../__fixtures__/stack';
import { applyPolicy, evaluatePolicy, formatViolations } from './evaluate';
import type { PolicyContext, PolicyRule, Violation } from './types';

const prod: PolicyContext = { environment: 'prod', tier: 'production', requiredLabels: ['team'] };
const LABELS = { team: 'platform' };

describe('evaluatePolicy', () => {
  it('given several violations, when evaluated, then they are sorted by address, then rule', () => {
    const stack = googleStack(LABELS);
    compliant.bucket(stack, 'z-bucket', { forceDestroy: true, uniformBucketLevelAccess: false, encryption: undefined });
    compliant.topic(stack, 'a-topic', { kmsKeyName: undefined });
    const found = evaluatePolicy(stack, prod).map((v) => `${v.address} ${v.rule}`);
    expect(found).toEqual([
      'google_pubsub_topic.a-topic cmek-required',
      'google_storage_bucket.z-bucket cmek-required',
      'google_storage_bucket.z-bucket deletion-protection',
      'google_storage_bucket.z-bucket no-public-buckets',
    ]);
  });

  it('given custom rules, when evaluated, then only they run', () => {
    const stack = googleStack();
    compliant.topic(stack, 'topic', { kmsKeyName: undefined });
    const rule: PolicyRule = {
      id: 'topic-name',
      description: 'Topic names end in -events.',
      check: (r) => (r.type === 'google_pubsub_topic' && !String(r.config.name).endsWith('-events') ? [{ message: `name is ${String(r.config.name)}`, fix: 'rename' }] : []),
    };
    expect(evaluatePolicy(stack, prod, [rule])).toEqual([
      { rule: 'topic-name', address: 'google_pubsub_topic.topic', path: 'test/topic', message: 'name is events', fix: 'rename' },
    ]);
  });

  it.each([
    [{ ...prod, tier: 'prod' as never }, /policy context: tier 'prod' is not one of development, staging, production/],
    [{ ...prod, environment: '' }, /policy context: environment must be a non-empty name, got ""/],
    [{ ...prod, requiredLabels: ['Team'] }, /policy context: requiredLabels entry 'Team' is not a valid label key/],
  ])('given a bad context %j, when evaluated, then it is refused', (context, error) => {
    expect(() => evaluatePolicy(googleStack(), context)).toThrow(error);
  });
});

describe('formatViolations', () => {
  it('prints one block per violation: rule, address, path, message, fix', () => {
    const violations: Violation[] = [
      { rule: 'cmek-required', address: 'google_pubsub_topic.t', path: 'app/t', message: 'kms_key_name is unset', fix: 'set kms_key_name' },
      { rule: 'no-public-buckets', address: 'google_storage_bucket.b', path: 'app/b', message: 'm', fix: 'f' },
    ];
    expect(formatViolations(violations)).toBe(
      [
        '✗ cmek-required google_pubsub_topic.t (app/t)',
        '    kms_key_name is unset',
        '    fix: set kms_key_name',
        '✗ no-public-buckets google_storage_bucket.b (app/b)',
        '    m',
        '    fix: f',
      ].join('\n'),
    );
    expect(formatViolations([])).toBe('');
  });
});

describe('applyPolicy', () => {
  const outdirs: string[] = [];
  afterEach(() => {
    for (const dir of outdirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('given two violations, when the stack is synthesized with validations, then synthesis fails listing both', () => {
    const stack = googleStack(LABELS);
    compliant.bucket(stack, 'bucket', { publicAccessPrevention: 'inherited' });
    compliant.topic(stack, 'topic', { kmsKeyName: undefined });
    applyPolicy(stack, prod);
    let error: Error | undefined;
    try {
      Testing.synth(stack, true);
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/✗ cmek-required google_pubsub_topic\.topic \(test\/topic\)\n {4}kms_key_name is unset/);
    expect(error?.message).toMatch(/✗ no-public-buckets google_storage_bucket\.bucket \(test\/bucket\)\n {4}public_access_prevention is "inherited"/);
  });

  it('given a compliant stack, when synthesized, then it passes', () => {
    const stack = googleStack(LABELS);
    compliant.bucket(stack, 'bucket');
    applyPolicy(stack, prod);
    expect(() => Testing.synth(stack, true)).not.toThrow();
  });

  it('given a violation, when the app is synthesized, then app.synth() fails', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'policy-'));
    outdirs.push(outdir);
    const app = new App({ outdir });
    const stack = new TerraformStack(app, 'prod');
    new GoogleProvider(stack, 'google', { project: 'my-project', defaultLabels: LABELS });
    compliant.bucket(stack, 'bucket', { forceDestroy: true });
    applyPolicy(stack, prod);
    expect(() => app.synth()).toThrow(/✗ deletion-protection google_storage_bucket\.bucket \(prod\/bucket\)/);
  });

  it('given a stack with a policy, when applied again, then it is refused', () => {
    const stack = googleStack();
    applyPolicy(stack, prod);
    expect(() => applyPolicy(stack, prod)).toThrow(/applyPolicy: a policy is already applied to stack 'test'/);
  });
});
