import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { runSynth } from '@platform/synth';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';
import { validateStack } from './engine-commands';
import { committedLockFilePath, lockStackProviders } from './provider-locks';
import { engineWorkdir } from './stack-engine';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/* The committed lock files of the fixture estate, on the real engine with providers from the source-built mirror. */
describe('committed provider lock files', () => {
  let copy: string;
  let estate: string;
  const lockPath = (stack: string) => join(estate, committedLockFilePath(estate, stack));
  const original = new Map<string, string>();

  beforeAll(async () => {
    copy = copyWorkspace(WORKSPACE, undefined, 'provider-locks');
    estate = join(copy, 'tools/fixture-estate');
    const outcomes = await runSynth({ workspaceRoot: estate, stacks: [], log: () => {} });
    expect(outcomes.every((o) => o.ok)).toBe(true);
    for (const stack of ['fixture-base', 'fixture-edge']) original.set(stack, readFileSync(lockPath(stack), 'utf8'));
  });
  afterAll(() => removeWorkspaceCopy(copy));
  const restore = (stack: string) => writeFileSync(lockPath(stack), original.get(stack)!);

  it('validates a stack with its committed lock file, which init reads and never rewrites', async () => {
    const results = await validateStack({ workspaceRoot: estate, stack: 'fixture-base', log: () => {} });
    expect(results.every((r) => r.valid)).toBe(true);
    const workdir = join(estate, engineWorkdir('fixture-base', results[0]!.environment, 'validate'));
    expect(readFileSync(join(workdir, '.terraform.lock.hcl'), 'utf8')).toBe(original.get('fixture-base'));
  }, 300_000);

  it('refuses a lock file whose version disagrees with the pinned one before any engine call, naming the file and the provider', async () => {
    writeFileSync(lockPath('fixture-edge'), original.get('fixture-edge')!.replace('version     = "1.4.0"', 'version     = "1.3.0"'));
    rmSync(join(estate, 'dist/engine-validate/fixture-edge'), { recursive: true, force: true });
    try {
      await expect(validateStack({ workspaceRoot: estate, stack: 'fixture-edge', log: () => {} })).rejects.toThrow(
        "stacks/fixture-edge/.terraform.lock.hcl: provider hashicorp/local is locked at 1.3.0 but tools/engine/versions.json pins 1.4.0; run 'npm run lock-providers -- fixture-edge' and commit the file",
      );
      expect(existsSync(join(estate, 'dist/engine-validate/fixture-edge')), 'no engine working directory').toBe(false);
    } finally {
      restore('fixture-edge');
    }
  }, 300_000);

  it('refuses a provider whose bytes match none of the hashes in the lock file, saying how to re-lock', async () => {
    const forged = original.get('fixture-edge')!.replace(/"h1:[^"]+"/, '"h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="');
    writeFileSync(lockPath('fixture-edge'), forged);
    rmSync(join(estate, 'dist/engine-validate/fixture-edge'), { recursive: true, force: true });
    try {
      await expect(validateStack({ workspaceRoot: estate, stack: 'fixture-edge', log: () => {} })).rejects.toThrow(
        /stacks\/fixture-edge\/\.terraform\.lock\.hcl: a provider from the source-built mirror matches none of its hashes, so init refused it .*run 'npm run lock-providers -- fixture-edge'/,
      );
    } finally {
      restore('fixture-edge');
    }
  }, 300_000);

  it('writes the same lock file again from the source-built mirror, and leaves it alone when nothing changed', async () => {
    rmSync(lockPath('fixture-base'));
    const first = await lockStackProviders({ workspaceRoot: estate, stack: 'fixture-base', log: () => {}, providerSource: 'mirror' });
    expect(first).toMatchObject({ file: 'stacks/fixture-base/.terraform.lock.hcl', source: 'mirror', changed: true });
    expect(readFileSync(lockPath('fixture-base'), 'utf8')).toBe(original.get('fixture-base'));
    const again = await lockStackProviders({ workspaceRoot: estate, stack: 'fixture-base', log: () => {}, providerSource: 'mirror' });
    expect(again.changed).toBe(false);
  }, 300_000);
});
