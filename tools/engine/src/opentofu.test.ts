import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineVersion } from './opentofu';

describe('engine version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'engine-version-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A stand-in engine that reports `version` and counts how often it was asked. */
  function fakeEngine(name: string, version: string): { binary: string; asked: () => number } {
    const binary = join(dir, name);
    const count = join(dir, `${name}.count`);
    writeFileSync(count, '');
    writeFileSync(binary, `#!/bin/sh\necho x >> '${count}'\necho '{"terraform_version":"${version}"}'\n`);
    chmodSync(binary, 0o755);
    return { binary, asked: () => readFileSync(count, 'utf8').split('\n').filter(Boolean).length };
  }

  it('asks an unchanged binary once per process, and a replaced binary again', async () => {
    const engine = fakeEngine('tofu', '1.11.14');
    expect(await engineVersion(engine.binary)).toBe('1.11.14');
    expect(await engineVersion(engine.binary)).toBe('1.11.14');
    expect(engine.asked()).toBe(1);

    const replaced = fakeEngine('tofu', '1.12.0-longer');
    expect(await engineVersion(replaced.binary)).toBe('1.12.0-longer');
    expect(replaced.asked()).toBe(1);
  });

  it('reports nothing for a binary that fails or does not exist, and asks a failing one every time', async () => {
    const failing = join(dir, 'broken');
    writeFileSync(failing, `#!/bin/sh\necho x >> '${failing}.count'\nexit 3\n`);
    chmodSync(failing, 0o755);
    expect(await engineVersion(failing)).toBeUndefined();
    expect(await engineVersion(failing)).toBeUndefined();
    expect(readFileSync(`${failing}.count`, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
    expect(await engineVersion(join(dir, 'absent'))).toBeUndefined();
  });
});
