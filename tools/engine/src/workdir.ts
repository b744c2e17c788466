import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the state store is when the environment says `endpoint: runtime`: an S3-compatible server. */
export interface RuntimeStateStore {
  readonly kind?: 's3';
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

/** A Cloud Storage JSON API endpoint known only at run time (a GCS emulator), with the access token it takes. */
export interface RuntimeGcsStateStore {
  readonly kind: 'gcs';
  /** Ends in `/storage/v1/`. */
  readonly endpoint: string;
  /** An OAuth2 access token; a placeholder for an emulator. Omitted: Application Default Credentials. */
  readonly accessToken?: string;
}

export const BACKEND_CONFIG_FILE = 'backend.runtime.hcl';

/** The engine's dependency lock file in a working directory. */
export const ENGINE_LOCK_FILE = '.terraform.lock.hcl';

/**
 * Lays out a working directory for one stack in one environment: the synthesized JSON as
 * the engine reads it and, for a runtime state endpoint, the backend configuration file that
 * `init -backend-config` takes. Returns the environment variables every engine run needs.
 */
export function prepareWorkdir(workdir: string, synthesizedJson: string, store?: RuntimeStateStore | RuntimeGcsStateStore, lockFile?: string): Record<string, string> {
  mkdirSync(workdir, { recursive: true });
  writeFileSync(join(workdir, 'main.tf.json'), synthesizedJson);
  // A released configuration is deployed with the provider lock file it was packaged with.
  if (lockFile !== undefined) writeFileSync(join(workdir, ENGINE_LOCK_FILE), lockFile);
  if (!store) return {};
  if (store.kind === 'gcs') {
    // The gcs backend and its remote-state reads take both from the environment (OpenTofu's backend schema defaults).
    return {
      GOOGLE_BACKEND_STORAGE_CUSTOM_ENDPOINT: store.endpoint,
      ...(store.accessToken !== undefined ? { GOOGLE_OAUTH_ACCESS_TOKEN: store.accessToken } : {}),
    };
  }
  writeFileSync(join(workdir, BACKEND_CONFIG_FILE), `endpoints = {\n  s3 = ${JSON.stringify(store.endpoint)}\n}\n`);
  return {
    AWS_ACCESS_KEY_ID: store.accessKey,
    AWS_SECRET_ACCESS_KEY: store.secretKey,
    AWS_REGION: 'us-east-1',
    TF_VAR_state_endpoint: store.endpoint,
  };
}
