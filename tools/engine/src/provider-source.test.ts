import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseProviderSource, probeRegistry, type RegistryProbe } from './provider-source';
import { writeCliConfig } from './providers';

const answering = async (url: string): Promise<RegistryProbe> => ({ url, reachable: true, milliseconds: 12, detail: 'HTTP 200' });
const silent = async (url: string): Promise<RegistryProbe> => ({ url, reachable: false, milliseconds: 3000, detail: 'no answer within 3000 ms' });

describe('provider source', () => {
  it('uses the registry when the probe answers, and says so', async () => {
    expect(await chooseProviderSource({ env: {}, probe: answering })).toMatchObject({ source: 'registry', reason: 'registry.opentofu.org answered in 12 ms (HTTP 200)' });
  });

  it('falls back to the source-built mirror when the registry cannot be reached, with the reason', async () => {
    expect(await chooseProviderSource({ env: {}, probe: silent })).toMatchObject({
      source: 'mirror',
      reason: 'registry.opentofu.org cannot be reached (no answer within 3000 ms after 3000 ms)',
    });
  });

  it('is forced by the option first, then by PLATFORM_PROVIDERS, and never probes then', async () => {
    const never = () => Promise.reject(new Error('probed'));
    expect(await chooseProviderSource({ request: 'mirror', env: { PLATFORM_PROVIDERS: 'registry' }, probe: never })).toEqual({ source: 'mirror', reason: 'forced (--providers mirror)' });
    expect(await chooseProviderSource({ env: { PLATFORM_PROVIDERS: 'registry' }, probe: never })).toEqual({ source: 'registry', reason: 'forced (PLATFORM_PROVIDERS=registry)' });
    await expect(chooseProviderSource({ env: { PLATFORM_PROVIDERS: 'github' } })).rejects.toThrow("PLATFORM_PROVIDERS must be one of auto, registry, mirror, got 'github'");
  });

  it('probes a configured network mirror instead of the registry, and refuses one that is not https', async () => {
    const choice = await chooseProviderSource({ env: { PLATFORM_PROVIDER_NETWORK_MIRROR: 'https://mirror.example/providers/' }, probe: answering });
    expect(choice).toMatchObject({ source: 'registry', networkMirror: 'https://mirror.example/providers/', probe: { url: 'https://mirror.example/providers/' } });
    await expect(chooseProviderSource({ env: { PLATFORM_PROVIDER_NETWORK_MIRROR: 'http://mirror.example/' } })).rejects.toThrow(/must be an https URL ending in '\/'/);
  });

  it('reports a refused connection within the timeout instead of throwing', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const probe = await probeRegistry(`http://127.0.0.1:${port}/`, 2000);
    expect(probe).toMatchObject({ reachable: false, detail: 'ECONNREFUSED' });
  });

  it('reports a server that does not answer in time as such', async () => {
    const server = createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      expect(await probeRegistry(`http://127.0.0.1:${port}/`, 200)).toMatchObject({ reachable: false, detail: 'no answer within 200 ms' });
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('CLI configuration per provider source', () => {
  it('installs only from the filesystem mirror and never from a registry for the mirror source', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cli-config-'));
    const text = readFileSync(writeCliConfig({ source: 'mirror', reason: 'test' }, { PLATFORM_CACHE_DIR: cache }), 'utf8');
    expect(text).toContain(`path    = "${cache}/providers"`);
    expect(text).toMatch(/direct \{\n\s+exclude = \["registry\.opentofu\.org\/\*\/\*", "registry\.terraform\.io\/\*\/\*"\]/);
  });

  it('installs from the registry, or the network mirror, with a shared plugin cache, excluding nothing', () => {
    const cache = mkdtempSync(join(tmpdir(), 'cli-config-'));
    const env = { PLATFORM_CACHE_DIR: cache };
    const registry = readFileSync(writeCliConfig({ source: 'registry', reason: 'test' }, env), 'utf8');
    expect(registry).toContain(`plugin_cache_dir = "${cache}/plugin-cache"`);
    expect(registry).toMatch(/provider_installation \{\n\s+direct \{\}\n\}/);
    expect(registry).not.toContain('exclude');
    const mirror = readFileSync(writeCliConfig({ source: 'registry', reason: 'test', networkMirror: 'https://127.0.0.1:8443/' }, env), 'utf8');
    expect(mirror).toMatch(/network_mirror \{\n\s+url = "https:\/\/127\.0\.0\.1:8443\/"/);
  });
});
