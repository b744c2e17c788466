import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageBucket } from '@cdktf/provider-google/lib/storage-bucket';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { synthesizeEveryEnvironment, synthesizeInEveryEnvironment } from './environments';
import { defineStack } from './stack-definition';

const environmentYaml = (name: string) =>
  [
    `name: ${name}`,
    'description: test',
    'kind: cloud',
    'tier: development',
    `project: acme-${name}`,
    'projectNumber: "100000000001"',
    'region: europe-west1',
    'labels: { owner: platform-team }',
    'state: { backend: gcs, bucket: acme-tfstate, prefix: stacks }',
    '',
  ].join('\n');

const site = defineStack({
  name: 'site',
  description: 'A private bucket.',
  settings: z.strictObject({ location: z.string() }),
  build(stack, s) {
    new StorageBucket(stack, 'bucket', {
      name: 'site',
      location: s.location,
      uniformBucketLevelAccess: true,
      publicAccessPrevention: 'enforced',
      encryption: { defaultKmsKeyName: 'projects/p/locations/eu/keyRings/r/cryptoKeys/k' },
    });
  },
});

let roots: string[] = [];
afterEach(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
  roots = [];
});

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'core-synth-'));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const twoEnvironments = {
  'environments/dev/environment.yaml': environmentYaml('dev'),
  'environments/prod/environment.yaml': environmentYaml('prod'),
  'environments/dev/site.yaml': 'location: EU\n',
  'environments/prod/site.yaml': 'location: EU\n',
};

describe('one synthesis path for the synth target and the stack tests', () => {
  it('returns every environment and a deterministic synth report when all succeed', () => {
    const outcome = synthesizeEveryEnvironment({ workspaceRoot: workspace(twoEnvironments), definition: site, upstream: [] });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect([...outcome.files.keys()]).toEqual(['dev/cdk.tf.json', 'prod/cdk.tf.json', 'synth.json']);
    expect(outcome.report.environments.dev!.resources).toBe(outcome.report.environments.prod!.resources);
  });

  it('collects the failure of every environment instead of stopping at the first', () => {
    const root = workspace({ ...twoEnvironments, 'environments/dev/site.yaml': 'location: 1\n', 'environments/prod/site.yaml': 'colour: red\n' });
    const outcome = synthesizeEveryEnvironment({ workspaceRoot: root, definition: site, upstream: [] });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.failures.map((f) => f.environment)).toEqual(['dev', 'prod']);
  });

  it('makes stack tests enforce the upstream contract check of synth: a declared upstream the stack never reads fails', () => {
    const root = workspace({ ...twoEnvironments, 'stacks/site/package.json': JSON.stringify({ name: 'site', stack: { upstream: ['network'] } }) });
    expect(() => synthesizeInEveryEnvironment(site, root)).toThrow(/key 'stack\.upstream' lists \[network\] but the stack reads the contracts of \[\]/);
  });

  it('gives stack tests the JSON of every environment, as the synth target writes it', () => {
    const root = workspace({ ...twoEnvironments, 'stacks/site/package.json': JSON.stringify({ name: 'site', stack: { upstream: [] } }) });
    const json = synthesizeInEveryEnvironment(site, root);
    expect([...json.keys()]).toEqual(['dev', 'prod']);
    const outcome = synthesizeEveryEnvironment({ workspaceRoot: root, definition: site, upstream: [] });
    expect(outcome.ok && outcome.files.get('dev/cdk.tf.json')).toBe(json.get('dev'));
  });
});
