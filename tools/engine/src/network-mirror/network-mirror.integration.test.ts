import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { parseLockFile } from '../lock-file';
import { providerMirrorDir, targetPlatform, writeCliConfig } from '../providers';
import { setupEngine } from '../setup';
import { EngineError, EngineRunner, type EngineSession } from '../tofu';
import { ENGINE_LOCK_FILE, prepareWorkdir } from '../workdir';
import { startProviderNetworkMirror, type RunningProviderNetworkMirror } from './server';
import { loopbackTls } from './tls';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const STACK = join(WORKSPACE, 'tools/fixture-estate/stacks/fixture-base');
const PROVIDERS = [
  { source: 'hashicorp/random', version: '3.6.0' },
  { source: 'hashicorp/time', version: '0.14.2' },
];
/** fixture-base needs random and time; its backend is not initialised here (init -backend=false installs providers all the same). */
const CONFIGURATION = JSON.stringify({
  terraform: { required_providers: { random: { source: 'hashicorp/random', version: '3.6.0' }, time: { source: 'hashicorp/time', version: '0.14.2' } } },
  resource: { random_id: { suffix: { byte_length: 4 } } },
});

/*
 * The registry path of `tofu init`, for real: the providers built into the cache, served through
 * OpenTofu's provider network mirror protocol over HTTPS on 127.0.0.1, with a certificate signed
 * by a throwaway CA that the engine trusts only through SSL_CERT_FILE.
 */
describe('providers installed from an HTTPS provider network mirror', () => {
  let work: string;
  let caFile: string;
  let engine: EngineSession['engine'];
  let mirror: RunningProviderNetworkMirror;
  let tampered: RunningProviderNetworkMirror;
  const committedLock = readFileSync(join(STACK, ENGINE_LOCK_FILE), 'utf8');

  beforeAll(async () => {
    engine = (await setupEngine({ workspaceRoot: WORKSPACE, log: () => {}, providers: PROVIDERS.map((p) => p.source), providerSource: 'mirror' })).engine;
    work = mkdtempSync(join(tmpdir(), 'network-mirror-'));
    const tls = await loopbackTls();
    caFile = join(work, 'ca.pem');
    writeFileSync(caFile, tls.caCert);
    mirror = await startProviderNetworkMirror({ mirrorDir: providerMirrorDir(), providers: PROVIDERS, tls });
    tampered = await startProviderNetworkMirror({ mirrorDir: providerMirrorDir(), providers: PROVIDERS, tls, tamperWith: (name) => name.includes('provider-time') });
  }, 300_000);

  afterAll(async () => {
    await mirror?.stop();
    await tampered?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  let runs = 0;
  /** A working directory and a session that installs only from the given mirror, with an empty plugin cache. */
  function runnerFor(server: RunningProviderNetworkMirror, options: { lockFile?: string; trustCa?: boolean } = {}): EngineRunner {
    const dir = join(work, `run-${++runs}`);
    prepareWorkdir(dir, CONFIGURATION, undefined, options.lockFile);
    const cache = join(work, `cache-${runs}`);
    const cliConfigFile = writeCliConfig({ source: 'registry', reason: 'test', networkMirror: server.url }, { PLATFORM_CACHE_DIR: cache });
    const env: Record<string, string> = { TF_PLUGIN_CACHE_DIR: join(cache, 'plugin-cache') };
    if (options.trustCa !== false) env.SSL_CERT_FILE = caFile;
    return new EngineRunner({ engine, cliConfigFile, env }, dir);
  }

  it('installs every provider from the mirror and accepts it against the committed lock file, read-only', async () => {
    const before = mirror.requests.length;
    const runner = runnerFor(mirror, { lockFile: committedLock });
    await runner.init({ backend: false, lockfileReadonly: true });
    const served = mirror.requests.slice(before);
    for (const { source, version } of PROVIDERS) {
      const type = source.split('/')[1]!;
      expect(served).toContain(`/registry.opentofu.org/${source}/${version}.json`);
      expect(served).toContain(`/registry.opentofu.org/${source}/terraform-provider-${type}_${version}_${targetPlatform()}.zip`);
      expect(existsSync(join(runner.workdir, '.terraform/providers/registry.opentofu.org', source, version, targetPlatform())), source).toBe(true);
    }
    expect(readFileSync(join(runner.workdir, ENGINE_LOCK_FILE), 'utf8'), 'read-only: the lock file is not rewritten').toBe(committedLock);
    expect(await runner.validate()).toMatchObject({ valid: true });
  }, 120_000);

  it("records the mirror's zh: hash of each zip, and the same h1: hash the source-built mirror gives, in a new lock file", async () => {
    const runner = runnerFor(mirror);
    await runner.init({ backend: false });
    const locked = parseLockFile(readFileSync(join(runner.workdir, ENGINE_LOCK_FILE), 'utf8'), 'new lock file');
    const committed = parseLockFile(committedLock, 'committed lock file');
    for (const { source, version } of PROVIDERS) {
      const entry = locked.find((p) => p.source === source)!;
      expect(entry.version).toBe(version);
      expect(entry.hashes).toContain(mirror.zipHashes.get(`${source} ${version}`));
      const h1 = committed.find((p) => p.source === source)!.hashes.filter((hash) => hash.startsWith('h1:'));
      expect(entry.hashes, `${source}: the unpacked bytes are the mirror's`).toEqual(expect.arrayContaining(h1));
    }
  }, 120_000);

  it('refuses a tampered zip, against the committed lock file and against the hashes the mirror announced', async () => {
    const withLock = runnerFor(tampered, { lockFile: committedLock });
    const refusal = await withLock.init({ backend: false, lockfileReadonly: true }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(EngineError);
    expect((refusal as EngineError).output).toMatch(/hashicorp\/time[\s\S]*(checksum|does not match|doesn't match)/i);
    expect(existsSync(join(withLock.workdir, '.terraform/providers/registry.opentofu.org/hashicorp/time'))).toBe(false);

    const withoutLock = runnerFor(tampered);
    await expect(withoutLock.init({ backend: false })).rejects.toThrow(/hashicorp\/time/);
    expect(existsSync(join(withoutLock.workdir, ENGINE_LOCK_FILE)) ? readFileSync(join(withoutLock.workdir, ENGINE_LOCK_FILE), 'utf8') : '').not.toContain('hashicorp/time');
  }, 120_000);

  it('refuses a mirror whose certificate the engine does not trust', async () => {
    const runner = runnerFor(mirror, { lockFile: committedLock, trustCa: false });
    const refusal = await runner.init({ backend: false, lockfileReadonly: true }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(EngineError);
    expect((refusal as EngineError).output).toMatch(/x509|certificate/i);
  }, 120_000);
});
