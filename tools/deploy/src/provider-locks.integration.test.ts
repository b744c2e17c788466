import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { loopbackTls, parseLockFile, providerMirrorDir, startProviderNetworkMirror, targetPlatform } from '@platform/engine';
import { runSynth } from '@platform/synth';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';
import { validateStack } from './engine-commands';
import { committedLockFilePath, LOCK_PLATFORMS, lockStackProviders } from './provider-locks';
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
        /stacks\/fixture-edge\/\.terraform\.lock\.hcl: a provider from the source-built mirror matches none of its hashes, so init refused it [^]*run 'npm run lock-providers -- fixture-edge'/,
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

  it('locks from the registry for every platform (an HTTPS network mirror stands in), keeping the hashes of the source-built mirror, and installs against that file', async () => {
    const extraPlatforms = LOCK_PLATFORMS.filter((platform) => platform !== targetPlatform());
    const tls = await loopbackTls();
    const dir = mkdtempSync(join(tmpdir(), 'lock-registry-'));
    writeFileSync(join(dir, 'ca.pem'), tls.caCert);
    const providers = [
      { source: 'hashicorp/random', version: '3.6.0' },
      { source: 'hashicorp/time', version: '0.14.2' },
    ];
    const mirror = await startProviderNetworkMirror({ mirrorDir: providerMirrorDir(), providers, tls, extraPlatforms });
    const saved = { mirror: process.env.PLATFORM_PROVIDER_NETWORK_MIRROR, ca: process.env.SSL_CERT_FILE, cache: process.env.TF_PLUGIN_CACHE_DIR, source: process.env.PLATFORM_PROVIDERS };
    process.env.PLATFORM_PROVIDER_NETWORK_MIRROR = mirror.url;
    process.env.SSL_CERT_FILE = join(dir, 'ca.pem');
    process.env.TF_PLUGIN_CACHE_DIR = join(dir, 'plugin-cache');
    try {
      const result = await lockStackProviders({ workspaceRoot: estate, stack: 'fixture-base', log: () => {}, providerSource: 'registry' });
      expect(result).toMatchObject({ source: 'registry', platforms: [...LOCK_PLATFORMS], changed: true });
      const locked = parseLockFile(readFileSync(lockPath('fixture-base'), 'utf8'), 'lock');
      const before = parseLockFile(original.get('fixture-base')!, 'lock');
      for (const { source, version } of providers) {
        const hashes = locked.find((p) => p.source === source)!.hashes;
        expect(hashes, `${source}: this platform's zip`).toContain(mirror.zipHashes.get(`${source} ${version}`));
        for (const platform of extraPlatforms) expect(hashes, `${source} ${platform}`).toContain(mirror.zipHashes.get(`${source} ${version} ${platform}`));
        expect(hashes, `${source}: the source-built mirror's hash is kept`).toEqual(expect.arrayContaining([...before.find((p) => p.source === source)!.hashes]));
      }
      // Installing from that registry now passes the read-only check against the new file.
      process.env.PLATFORM_PROVIDERS = 'registry';
      rmSync(join(estate, 'dist/engine-validate/fixture-base'), { recursive: true, force: true });
      const results = await validateStack({ workspaceRoot: estate, stack: 'fixture-base', log: () => {} });
      expect(results.every((r) => r.valid)).toBe(true);
      expect(mirror.requests.some((path) => path.endsWith(`_${targetPlatform()}.zip`))).toBe(true);
    } finally {
      for (const [name, value] of [['PLATFORM_PROVIDER_NETWORK_MIRROR', saved.mirror], ['SSL_CERT_FILE', saved.ca], ['TF_PLUGIN_CACHE_DIR', saved.cache], ['PLATFORM_PROVIDERS', saved.source]] as const) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      restore('fixture-base');
      await mirror.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
