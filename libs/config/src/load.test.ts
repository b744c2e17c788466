import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError } from './config-error';
import { soakSeconds } from './environment-schema';
import { estateArtifactStore, listEnvironments, loadAllEnvironments, loadEnvironment, loadStackSettings } from './load';

const VALID = `name: dev
kind: cloud
tier: development
project: acme-platform-dev
projectNumber: "123456789"
region: europe-west1
state:
  backend: gcs
  bucket: acme-dev-tfstate
`;

function workspaceWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'config-test-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.file}:${p.line ?? '-'} ${p.key} ${p.rule}`);
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('environment configuration', () => {
  it('loads every environment of this repository', () => {
    const root = join(import.meta.dirname, '../../..');
    const environments = loadAllEnvironments(root);
    expect(environments.map((env) => env.name)).toEqual(['dev', 'drill', 'prod', 'staging']);
    expect(environments.find((env) => env.name === 'drill')).toMatchObject({ kind: 'drill', state: { backend: 's3' } });
    expect(environments.find((env) => env.name === 'prod')).toMatchObject({ tier: 'production', promotion: { after: 'staging' } });
  });

  it('fills defaults the file leaves out', () => {
    const root = workspaceWith({ 'environments/dev/environment.yaml': VALID });
    expect(loadEnvironment(root, 'dev')).toMatchObject({ labels: {}, state: { prefix: 'stacks' }, promotion: {} });
  });

  it('lists only folders that hold an environment.yaml', () => {
    const root = workspaceWith({ 'environments/dev/environment.yaml': VALID, 'environments/notes/readme.txt': 'x' });
    expect(listEnvironments(root)).toEqual(['dev']);
  });

  it.each([
    ['an invalid project id', VALID.replace('acme-platform-dev', 'Acme_Dev'), /environment\.yaml:4 project must be a GCP project id.*got "Acme_Dev"/],
    ['an unknown key', `${VALID}colour: blue\n`, /environment\.yaml:10 colour is not a known setting/],
    ['a missing key', VALID.replace('region: europe-west1\n', ''), /environment\.yaml:\d+ region is required \(string\)/],
    ['an unknown backend', VALID.replace('backend: gcs', 'backend: azurerm'), /state\.backend must have backend 'gcs'/],
    ['a backup store that is not a bucket URL', VALID.replace('backend: gcs', 'backend: gcs\n  backups: /var/backups'), /state\.backups must be gs:\/\/<bucket>\[\/<prefix>\] or s3:\/\/<bucket>\[\/<prefix>\]/],
    ['a plain-http Cloud Storage endpoint', VALID.replace('backend: gcs', 'backend: gcs\n  endpoint: http://storage.example/storage/v1/'), /state\.endpoint must be an https URL ending in '\/storage\/v1\/' or 'runtime'/],
    ['a bad tier', VALID.replace('tier: development', 'tier: prod'), /environment\.yaml:3 tier Invalid option.*got "prod"/],
    ['a label key with capitals', `${VALID}labels:\n  CostCenter: x\n`, /environment\.yaml:11 labels\.CostCenter has an invalid key: must be a GCP label key/],
    ['a name that differs from the folder', VALID.replace('name: dev', 'name: develop'), /environment\.yaml:- name must equal the folder name 'dev'/],
    ['invalid YAML', 'name: [dev\n', /environment\.yaml:\d+ \(document\) is not valid YAML/],
    ['a duplicated key', `${VALID}region: us-east1\n`, /\(document\) is not valid YAML: Map keys must be unique/],
  ])('refuses %s, naming the file, the key and the rule', (_case, text, expected) => {
    const root = workspaceWith({ 'environments/dev/environment.yaml': text });
    expect(problemsOf(() => loadEnvironment(root, 'dev')).join('\n')).toMatch(expected);
  });

  it('lists every problem of a file at once', () => {
    const text = VALID.replace('acme-platform-dev', 'X').replace('europe-west1', 'Europe');
    const root = workspaceWith({ 'environments/dev/environment.yaml': text });
    expect(problemsOf(() => loadEnvironment(root, 'dev'))).toHaveLength(2);
  });

  it('refuses a promotion order that names an unknown environment or forms a cycle', () => {
    const root = workspaceWith({
      'environments/dev/environment.yaml': `${VALID}promotion:\n  after: qa\n`,
      'environments/qa-a/environment.yaml': `${VALID.replace('name: dev', 'name: qa-a')}promotion:\n  after: qa-b\n`,
      'environments/qa-b/environment.yaml': `${VALID.replace('name: dev', 'name: qa-b')}promotion:\n  after: qa-a\n`,
    });
    const problems = problemsOf(() => loadAllEnvironments(root)).join('\n');
    expect(problems).toMatch(/dev\/environment\.yaml:- promotion\.after names unknown environment 'qa'/);
    expect(problems).toMatch(/qa-a\/environment\.yaml:- promotion\.after forms a cycle/);
  });

  it('reads a soak time in minutes, hours or days, and refuses one that is not a duration', () => {
    const soakOf = (soak: string) => soakSeconds(loadEnvironment(workspaceWith({ 'environments/dev/environment.yaml': `${VALID}promotion:\n  soak: ${soak}\n` }), 'dev'));
    expect([soakOf('30m'), soakOf('24h'), soakOf('2d')]).toEqual([1800, 86_400, 172_800]);
    const root = workspaceWith({ 'environments/dev/environment.yaml': `${VALID}promotion:\n  soak: 1 week\n` });
    expect(problemsOf(() => loadEnvironment(root, 'dev')).join('\n')).toMatch(/promotion\.soak must be a duration such as 30m, 24h or 2d/);
  });

  it('gives the one artifact store the environments name, and none when no environment names one', () => {
    const named = workspaceWith({
      'environments/dev/environment.yaml': `${VALID}artifacts: gs://acme-artifacts/releases\n`,
      'environments/qa/environment.yaml': VALID.replace('name: dev', 'name: qa'),
    });
    expect(estateArtifactStore(named)).toBe('gs://acme-artifacts/releases');
    expect(estateArtifactStore(workspaceWith({ 'environments/dev/environment.yaml': VALID }))).toBeUndefined();
  });

  it('refuses environments that name different artifact stores, naming the file and the first store', () => {
    const root = workspaceWith({
      'environments/dev/environment.yaml': `${VALID}artifacts: gs://acme-artifacts/releases\n`,
      'environments/prod/environment.yaml': `${VALID.replace('name: dev', 'name: prod')}artifacts: gs://other-artifacts\n`,
    });
    expect(problemsOf(() => loadAllEnvironments(root))).toEqual([
      "environments/prod/environment.yaml:- artifacts must name the estate's one artifact store, 'gs://acme-artifacts/releases' (as environments/dev/environment.yaml does); got 'gs://other-artifacts'",
    ]);
  });

  it('refuses an artifact store that is not a gs:// or s3:// bucket', () => {
    const root = workspaceWith({ 'environments/dev/environment.yaml': `${VALID}artifacts: /tmp/store\n` });
    expect(problemsOf(() => loadEnvironment(root, 'dev'))).toEqual([
      'environments/dev/environment.yaml:10 artifacts must be gs://<bucket>[/<prefix>] or s3://<bucket>[/<prefix>]; got "/tmp/store"',
    ]);
  });
});

describe('stack settings', () => {
  const schema = z.strictObject({ size: z.number().int().min(1), zone: z.string().default('a') });

  it('validates a stack settings file with the stack schema and applies defaults', () => {
    const root = workspaceWith({ 'environments/dev/web.yaml': 'size: 3\n' });
    expect(loadStackSettings(root, 'dev', 'web', schema)).toEqual({ size: 3, zone: 'a' });
  });

  it('names the settings file, the key, the line and the value when a setting breaks its rule', () => {
    const root = workspaceWith({ 'environments/dev/web.yaml': 'zone: b\nsize: 0\n' });
    expect(problemsOf(() => loadStackSettings(root, 'dev', 'web', schema))).toEqual([
      'environments/dev/web.yaml:2 size Too small: expected number to be >=1; got 0',
    ]);
  });

  it('refuses a stack without a settings file in an environment', () => {
    const root = workspaceWith({});
    expect(problemsOf(() => loadStackSettings(root, 'dev', 'web', schema))).toEqual([
      'environments/dev/web.yaml:- (file) does not exist',
    ]);
  });
});
