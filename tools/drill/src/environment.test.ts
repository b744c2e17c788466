import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { assertDrillEnvironment, DrillRefusedError } from './environment';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((root) => rmSync(root, { recursive: true, force: true })));

const environment = (name: string, kind: 'cloud' | 'drill', state: string) => `name: ${name}
kind: ${kind}
tier: ${kind === 'drill' ? 'development' : 'production'}
project: acme-${name}-project
projectNumber: "123456789"
region: europe-west1
state:
${state}`;

const PROD = environment('prod', 'cloud', '  backend: gcs\n  bucket: acme-prod-tfstate\n  prefix: stacks\n  backups: gs://acme-prod-backups/snapshots\n');

function estate(drillState: string): string {
  const root = mkdtempSync(join(tmpdir(), 'drill-isolation-'));
  roots.push(root);
  for (const [name, text] of [['prod', PROD], ['drill', environment('drill', 'drill', drillState)]] as const) {
    mkdirSync(join(root, 'environments', name), { recursive: true });
    writeFileSync(join(root, 'environments', name, 'environment.yaml'), text);
  }
  return root;
}

describe('a drill environment whose data could be another environment\'s', () => {
  it.each([
    ['the same state bucket and prefix', '  backend: gcs\n  bucket: acme-prod-tfstate\n  prefix: stacks\n', /its state \(environments\/drill\/environment\.yaml: gs:\/\/acme-prod-tfstate\/stacks\) overlaps the state of 'prod' \(environments\/prod\/environment\.yaml: gs:\/\/acme-prod-tfstate\/stacks\)/],
    ['the same bucket through another endpoint (Cloud Storage names are global)', '  backend: gcs\n  bucket: acme-prod-tfstate\n  endpoint: https://psc.example.internal/storage/v1/\n', /overlaps the state of 'prod'/],
    ['a prefix inside the other one', '  backend: gcs\n  bucket: acme-prod-tfstate\n  prefix: stacks/drill\n', /overlaps the state of 'prod'/],
    ['snapshots into the other one\'s backups', '  backend: gcs\n  bucket: acme-drill-tfstate\n  prefix: stacks\n  backups: gs://acme-prod-backups\n', /its state\.backups \(.*gs:\/\/acme-prod-backups\/\) overlaps the state\.backups of 'prod'/],
    ['snapshots into the other one\'s state', '  backend: gcs\n  bucket: acme-drill-tfstate\n  prefix: stacks\n  backups: gs://acme-prod-tfstate/stacks/old\n', /its state\.backups .* overlaps the state of 'prod'/],
  ])('is refused before anything runs: %s', (_name, state, message) => {
    const root = estate(state);
    expect(() => assertDrillEnvironment(root, 'drill')).toThrow(DrillRefusedError);
    expect(() => assertDrillEnvironment(root, 'drill')).toThrow(message);
  });

  it('is allowed with a bucket of its own, a sibling prefix, or another fixed S3 server', () => {
    expect(assertDrillEnvironment(estate('  backend: gcs\n  bucket: acme-drill-tfstate\n'), 'drill').name).toBe('drill');
    expect(assertDrillEnvironment(estate('  backend: gcs\n  bucket: acme-prod-tfstate\n  prefix: stacks-drill\n'), 'drill').name).toBe('drill');
    const s3 = (endpoint: string) => `  backend: s3\n  bucket: shared-tfstate\n  endpoint: ${endpoint}\n`;
    const twoServers = estate(s3('https://drill-s3.example.internal'));
    writeFileSync(join(twoServers, 'environments/prod/environment.yaml'), environment('prod', 'cloud', s3('https://prod-s3.example.internal')));
    expect(assertDrillEnvironment(twoServers, 'drill').name).toBe('drill');
    writeFileSync(join(twoServers, 'environments/prod/environment.yaml'), environment('prod', 'cloud', s3('runtime')));
    expect(() => assertDrillEnvironment(twoServers, 'drill'), 'a server known only at run time may be the same one').toThrow(/overlaps the state of 'prod'/);
  });

  it('passes for the drill environments of this repository and of the fixture estate', () => {
    const workspace = findWorkspaceRoot(import.meta.dirname);
    expect(assertDrillEnvironment(workspace, 'drill').name).toBe('drill');
    expect(assertDrillEnvironment(join(workspace, 'tools/fixture-estate'), 'local').name).toBe('local');
  });
});
