import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { EnvironmentConfig } from '@platform/config';

/** Where the google provider finds credentials, in its own order; the first found is named. */
export function googleCredentialsSource(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string | undefined {
  for (const variable of ['GOOGLE_OAUTH_ACCESS_TOKEN', 'GOOGLE_CREDENTIALS', 'GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_AUTH_ACCESS_TOKEN']) {
    if (env[variable]) return `$${variable}`;
  }
  const adc = join(env.CLOUDSDK_CONFIG ?? join(home, '.config', 'gcloud'), 'application_default_credentials.json');
  return existsSync(adc) ? adc : undefined;
}

export interface PlanMode {
  readonly offline: boolean;
  /** Why, in words for the log: asked for, or no credentials found. */
  readonly reason: string;
}

/**
 * Whether `plan-env` plans offline: when asked to, or, for an environment whose state lives in
 * Google Cloud Storage, when no Google credentials are found (a pull request from a fork, a
 * laptop without gcloud): a plan from zero beats no plan at all, and the report says which it is.
 */
export function choosePlanMode(environment: EnvironmentConfig, asked: boolean, env: NodeJS.ProcessEnv = process.env, home?: string): PlanMode {
  if (asked) return { offline: true, reason: '--offline' };
  if (environment.state.backend !== 'gcs') return { offline: false, reason: `state in ${environment.state.backend}` };
  if (environment.state.endpoint === 'runtime' && env.PLATFORM_STATE_ENDPOINT) return { offline: false, reason: `state at ${env.PLATFORM_STATE_ENDPOINT}` };
  const source = googleCredentialsSource(env, home);
  return source
    ? { offline: false, reason: `Google credentials from ${source}` }
    : { offline: true, reason: 'no Google credentials found ($GOOGLE_OAUTH_ACCESS_TOKEN, $GOOGLE_CREDENTIALS, $GOOGLE_APPLICATION_CREDENTIALS, gcloud application default credentials)' };
}
