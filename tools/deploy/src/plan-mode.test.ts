import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EnvironmentConfig } from '@platform/config';
import { choosePlanMode, googleCredentialsSource } from './plan-mode';
import { OFFLINE_STATE_FILE, offlineConfiguration } from './stack-engine';

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
