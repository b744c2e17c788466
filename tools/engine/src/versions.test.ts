import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { platformCacheDir } from './cache-dir';
import { providerBinaryPath, targetPlatform } from './providers';
import { readPinnedVersions, VERSIONS_FILE } from './versions';

describe('pinned versions', () => {
  it('pins OpenTofu, the google provider the cdktf bindings use, the offline providers, the S3 server and the GCS emulator', () => {
    const versions = readPinnedVersions(findWorkspaceRoot(import.meta.dirname));
    expect(versions.opentofu.version).toMatch(/^1\.\d+\.\d+$/);
    expect(versions.providers['hashicorp/google']!.version).toBe('6.50.0');
    expect(Object.keys(versions.providers).sort()).toEqual(['hashicorp/google', 'hashicorp/local', 'hashicorp/random', 'hashicorp/time']);
    expect(versions.s3Server.name).toBe('versitygw');
    expect(versions.gcsServer).toMatchObject({ name: 'fake-gcs-server', version: '1.56.1', module: 'github.com/fsouza/fake-gcs-server', moduleVersion: 'v1.56.1' });
  });

  it('refuses a versions file that is not JSON, naming the file', () => {
    const root = mkdtempSync(join(tmpdir(), 'versions-'));
    mkdirSync(join(root, 'tools/engine'), { recursive: true });
    writeFileSync(join(root, VERSIONS_FILE), '{ "opentofu": ');
    expect(() => readPinnedVersions(root)).toThrow(/^tools\/engine\/versions\.json: \(document\) is not valid JSON: /);
  });

  it('refuses a malformed versions file naming the file and the key', () => {
    const root = mkdtempSync(join(tmpdir(), 'versions-'));
    mkdirSync(join(root, 'tools/engine'), { recursive: true });
    const good = readPinnedVersions(findWorkspaceRoot(import.meta.dirname));
    writeFileSync(join(root, VERSIONS_FILE), JSON.stringify({ ...good, opentofu: { ...good.opentofu, version: 'latest' } }));
    expect(() => readPinnedVersions(root)).toThrow(/tools\/engine\/versions\.json: key 'opentofu\.version' must be a release version/);
    writeFileSync(join(root, VERSIONS_FILE), JSON.stringify({ ...good, gcsServer: { ...good.gcsServer, moduleVersion: '1.56.1' } }));
    expect(() => readPinnedVersions(root)).toThrow(/key 'gcsServer\.moduleVersion' must be a Go module version/);
  });
});

describe('cache and mirror layout', () => {
  it('keeps binaries outside the repository, under PLATFORM_CACHE_DIR or the XDG cache', () => {
    expect(platformCacheDir({ PLATFORM_CACHE_DIR: '/opt/cache' })).toBe('/opt/cache');
    expect(platformCacheDir({ XDG_CACHE_HOME: '/x' })).toBe('/x/gcp-delivery-platform');
  });

  it('lays providers out as an unpacked filesystem mirror', () => {
    expect(providerBinaryPath('/m', 'registry.opentofu.org', 'hashicorp/time', '0.14.2')).toBe(
      `/m/registry.opentofu.org/hashicorp/time/0.14.2/${targetPlatform()}/terraform-provider-time_v0.14.2_x5`,
    );
  });
});
