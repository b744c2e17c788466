import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { packagedArtifactDir, packageStack, readPackagedArtifact, writePackagedArtifact } from '@platform/delivery';
import { FIXTURE_ESTATE } from './fixture-release';
import { runSynth } from '@platform/synth';
import { LOCK_FILE, manifestBytes, sha256Hex } from '@platform/store';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

describe('packaging a stack version', () => {
  let repository: string;
  let estate: string;

  beforeAll(async () => {
    repository = copyWorkspaceAsRepository(WORKSPACE, 'package');
    estate = join(repository, FIXTURE_ESTATE);
    expect((await runSynth({ workspaceRoot: estate, stacks: ['fixture-base'], log: () => {} })).every((o) => o.ok)).toBe(true);
  }, 300_000);
  afterAll(() => removeWorkspaceCopy(repository));

  it("holds every environment, the stack's committed provider lock file, and a manifest naming them", async () => {
    const artifact = await packageStack(estate, 'fixture-base', '2.0.0');
    expect([...artifact.files.keys()].sort()).toEqual([
      LOCK_FILE,
      'environments/fx-dev/cdk.tf.json',
      'environments/fx-prod/cdk.tf.json',
      'environments/fx-staging/cdk.tf.json',
      'environments/local/cdk.tf.json',
    ]);
    const lock = Buffer.from(artifact.files.get(LOCK_FILE)!).toString('utf8');
    expect(lock).toMatch(/provider "registry\.opentofu\.org\/hashicorp\/random" \{\s+version\s+= "3\.6\.0"[\s\S]*hashes = \[\s+"h1:/);
    expect(lock).toMatch(/provider "registry\.opentofu\.org\/hashicorp\/time" \{\s+version\s+= "0\.14\.2"/);
    expect(artifact.manifest).toMatchObject({ stack: 'fixture-base', version: '2.0.0', lockFile: LOCK_FILE, providers: { 'hashicorp/random': '3.6.0' } });
    expect(artifact.manifest.files[LOCK_FILE]!.sha256).toBe(sha256Hex(lock));
    expect(lock, 'the committed file, byte for byte').toBe(readFileSync(join(estate, 'stacks/fixture-base', LOCK_FILE), 'utf8'));
  }, 120_000);

  it('gives the same bytes when the same commit is packaged again', async () => {
    const first = await packageStack(estate, 'fixture-base', '2.0.0');
    const second = await packageStack(estate, 'fixture-base', '2.0.0');
    expect(sha256Hex(manifestBytes(second.manifest))).toBe(sha256Hex(manifestBytes(first.manifest)));
  }, 120_000);

  it('writes the artifact folder whole and reads it back verified; a changed byte is refused', async () => {
    const artifact = await packageStack(estate, 'fixture-base', '2.0.0');
    const dir = writePackagedArtifact(estate, artifact);
    expect(dir).toBe(join(estate, packagedArtifactDir('fixture-base', '2.0.0')));
    expect(readPackagedArtifact(estate, 'fixture-base', '2.0.0').manifest).toEqual(artifact.manifest);
    const file = join(dir, LOCK_FILE);
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`);
    expect(() => readPackagedArtifact(estate, 'fixture-base', '2.0.0')).toThrow(/dist\/artifacts\/fixture-base\/2\.0\.0\/\.terraform\.lock\.hcl does not match its manifest/);
    expect(() => readPackagedArtifact(estate, 'fixture-base', '9.9.9')).toThrow(/run 'npx nx run fixture-base:package' first/);
  }, 120_000);
});
