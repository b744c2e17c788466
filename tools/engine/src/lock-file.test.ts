import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { checkLockFile, isChecksumMismatch, parseLockFile } from './lock-file';
import { readPinnedVersions } from './versions';

const versions = readPinnedVersions(findWorkspaceRoot(import.meta.dirname));
const FILE = 'stacks/web/.terraform.lock.hcl';
const FIX = "run 'npm run lock-providers -- web'";

const lock = (entries: ReadonlyArray<{ source: string; version: string; hashes?: string[] }>) =>
  [
    '# This file is maintained automatically by "tofu init".',
    '# Manual edits may be lost in future updates.',
    '',
    ...entries.flatMap(({ source, version, hashes = ['h1:abc=', 'zh:0123'] }) => [
      `provider "registry.opentofu.org/${source}" {`,
      `  version     = "${version}"`,
      `  constraints = "${version}"`,
      '  hashes = [',
      ...hashes.map((hash) => `    "${hash}",`),
      '  ]',
      '}',
      '',
    ]),
  ].join('\n');

describe('provider lock files', () => {
  it('reads address, version and every hash of each provider block', () => {
    expect(parseLockFile(lock([{ source: 'hashicorp/time', version: '0.14.2' }, { source: 'hashicorp/random', version: '3.6.0', hashes: ['h1:r='] }]), FILE)).toEqual([
      { address: 'registry.opentofu.org/hashicorp/time', source: 'hashicorp/time', version: '0.14.2', hashes: ['h1:abc=', 'zh:0123'] },
      { address: 'registry.opentofu.org/hashicorp/random', source: 'hashicorp/random', version: '3.6.0', hashes: ['h1:r='] },
    ]);
  });

  it('refuses text that is not a lock file, naming the file and the line', () => {
    expect(() => parseLockFile('terraform {\n}\n', FILE)).toThrow(/stacks\/web\/\.terraform\.lock\.hcl: not a dependency lock file \(unexpected line 'terraform \{'\)/);
    expect(() => parseLockFile('provider "registry.opentofu.org/hashicorp/time" {\n  hashes = []\n}\n', FILE)).toThrow(/provider "registry\.opentofu\.org\/hashicorp\/time" has no version/);
  });

  it('accepts a lock file with exactly the needed providers at the pinned versions', () => {
    const text = lock([{ source: 'hashicorp/time', version: versions.providers['hashicorp/time']!.version }]);
    expect(() => checkLockFile(parseLockFile(text, FILE), ['hashicorp/time'], versions, FILE, FIX)).not.toThrow();
  });

  it('refuses a provider locked at another version than the pinned one, naming the file, the provider and the fix', () => {
    const text = lock([{ source: 'hashicorp/time', version: '0.13.0' }]);
    expect(() => checkLockFile(parseLockFile(text, FILE), ['hashicorp/time'], versions, FILE, FIX)).toThrow(
      `${FILE}: provider hashicorp/time is locked at 0.13.0 but tools/engine/versions.json pins ${versions.providers['hashicorp/time']!.version}; ${FIX}`,
    );
  });

  it('refuses a needed provider that is missing, one with no hashes, and one the configuration does not use', () => {
    const time = { source: 'hashicorp/time', version: versions.providers['hashicorp/time']!.version };
    const random = { source: 'hashicorp/random', version: versions.providers['hashicorp/random']!.version };
    expect(() => checkLockFile(parseLockFile(lock([time]), FILE), ['hashicorp/random', 'hashicorp/time'], versions, FILE, FIX)).toThrow(/provider hashicorp\/random is needed but not locked/);
    expect(() => checkLockFile(parseLockFile(lock([{ ...time, hashes: [] }]), FILE), ['hashicorp/time'], versions, FILE, FIX)).toThrow(/provider hashicorp\/time has no hashes/);
    expect(() => checkLockFile(parseLockFile(lock([time, random]), FILE), ['hashicorp/time'], versions, FILE, FIX)).toThrow(/locks hashicorp\/random, which the configuration does not use/);
  });

  it("recognises the engine's refusal of a package that matches no recorded checksum", () => {
    expect(isChecksumMismatch("the local package for registry.opentofu.org/hashicorp/time 0.14.2 doesn't match any of the checksums previously recorded in the dependency lock file")).toBe(true);
    expect(isChecksumMismatch('Failed to query available provider packages')).toBe(false);
  });
});
