import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '@platform/config';
import { choosePlanMode, googleCredentialsSource } from './plan-mode';
import { EMULATOR_ACCESS_TOKEN, OFFLINE_STATE_FILE, offlineConfiguration, runtimeGcsStoreFromEnv } from './stack-engine';

const gcsEnvironment = { name: 'dev', state: { backend: 'gcs', bucket: 'acme-tfstate', prefix: 'stacks' } } as unknown as EnvironmentConfig;
const s3Environment = { name: 'local', state: { backend: 's3', bucket: 'state', prefix: 'local', region: 'us-east-1' } } as unknown as EnvironmentConfig;

let homes: string[] = [];
afterEach(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
  homes = [];
});
function emptyHome(): string {
  const home = mkdtempSync(join(tmpdir(), 'home-'));
  homes.push(home);
  return home;
}

describe('choosing between a live and an offline plan', () => {
  it('plans a GCS-backed environment offline when no Google credentials are found, and says why', () => {
    const mode = choosePlanMode(gcsEnvironment, false, {}, emptyHome());
    expect(mode.offline).toBe(true);
    expect(mode.reason).toMatch(/no Google credentials found/);
  });

  it('plans against the live state when credentials are found, naming where they came from', () => {
    expect(choosePlanMode(gcsEnvironment, false, { GOOGLE_APPLICATION_CREDENTIALS: '/secrets/sa.json' }, emptyHome())).toEqual({
      offline: false,
      reason: 'Google credentials from $GOOGLE_APPLICATION_CREDENTIALS',
    });
    const home = emptyHome();
    mkdirSync(join(home, '.config/gcloud'), { recursive: true });
    writeFileSync(join(home, '.config/gcloud/application_default_credentials.json'), '{}');
    expect(googleCredentialsSource({}, home)).toBe(join(home, '.config/gcloud/application_default_credentials.json'));
  });

  it('plans against a GCS emulator named at run time without looking for Google credentials', () => {
    const emulated = { ...gcsEnvironment, state: { ...gcsEnvironment.state, endpoint: 'runtime' } } as EnvironmentConfig;
    expect(choosePlanMode(emulated, false, { PLATFORM_STATE_ENDPOINT: 'http://127.0.0.1:4443/storage/v1/' }, emptyHome())).toEqual({
      offline: false,
      reason: 'state at http://127.0.0.1:4443/storage/v1/',
    });
  });

  it('plans offline whenever asked, and never on its own for a non-GCS backend', () => {
    expect(choosePlanMode(gcsEnvironment, true, { GOOGLE_OAUTH_ACCESS_TOKEN: 'x' }).offline).toBe(true);
    expect(choosePlanMode(s3Environment, false, {}, emptyHome()).offline).toBe(false);
  });
});

describe('the configuration of an offline plan', () => {
  it('replaces the configured backend with a local state file and keeps everything else', () => {
    const synthesized = JSON.stringify({
      terraform: { backend: { gcs: { bucket: 'acme-tfstate', prefix: 'stacks/network' } }, required_providers: { google: { source: 'hashicorp/google' } } },
      provider: { google: [{ project: 'acme-platform-dev', region: 'europe-west1' }] },
      resource: { a: {} },
    });
    const offline = JSON.parse(offlineConfiguration(synthesized));
    expect(offline.terraform.backend).toEqual({ local: { path: OFFLINE_STATE_FILE } });
    expect(offline.terraform.required_providers).toEqual({ google: { source: 'hashicorp/google' } });
    expect(offline.provider.google).toEqual([{ project: 'acme-platform-dev', region: 'europe-west1' }]);
    expect(offline.resource).toEqual({ a: {} });
  });
});

describe('a Cloud Storage state endpoint known at run time', () => {
  const emulated = { ...gcsEnvironment, state: { ...gcsEnvironment.state, endpoint: 'runtime' } } as EnvironmentConfig;

  it('is read from PLATFORM_STATE_ENDPOINT, with a placeholder token for an emulator on this machine', () => {
    expect(runtimeGcsStoreFromEnv(emulated, { PLATFORM_STATE_ENDPOINT: 'http://127.0.0.1:4443/storage/v1/' })).toEqual({
      kind: 'gcs',
      endpoint: 'http://127.0.0.1:4443/storage/v1/',
      accessToken: EMULATOR_ACCESS_TOKEN,
    });
    expect(runtimeGcsStoreFromEnv(gcsEnvironment, { PLATFORM_STATE_ENDPOINT: 'http://127.0.0.1:4443/storage/v1/' }), 'not a runtime endpoint').toBeUndefined();
  });

  it('takes a real token from GOOGLE_OAUTH_ACCESS_TOKEN and leaves Application Default Credentials alone otherwise', () => {
    const endpoint = 'https://storage-acme.p.googleapis.com/storage/v1/';
    expect(runtimeGcsStoreFromEnv(emulated, { PLATFORM_STATE_ENDPOINT: endpoint, GOOGLE_OAUTH_ACCESS_TOKEN: 'ya29.x' })).toEqual({ kind: 'gcs', endpoint, accessToken: 'ya29.x' });
    expect(runtimeGcsStoreFromEnv(emulated, { PLATFORM_STATE_ENDPOINT: endpoint })).toEqual({ kind: 'gcs', endpoint });
  });

  it('refuses a missing endpoint, one that is not the JSON API, and plain http to another machine, naming the file and the rule', () => {
    expect(() => runtimeGcsStoreFromEnv(emulated, {})).toThrow(/environments\/dev\/environment\.yaml: state\.endpoint is 'runtime'.*set PLATFORM_STATE_ENDPOINT/);
    expect(() => runtimeGcsStoreFromEnv(emulated, { PLATFORM_STATE_ENDPOINT: 'http://127.0.0.1:4443/' })).toThrow(/must be a Cloud Storage JSON API endpoint ending in '\/storage\/v1\/'/);
    expect(() => runtimeGcsStoreFromEnv(emulated, { PLATFORM_STATE_ENDPOINT: 'http://10.0.0.5/storage/v1/' })).toThrow(/plain http on another machine/);
  });
});
