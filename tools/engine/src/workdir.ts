import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Where the state store is when the environment says `endpoint: runtime`. */
export interface RuntimeStateStore {
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
}

export const BACKEND_CONFIG_FILE = 'backend.runtime.hcl';

/**
 * Lays out a working directory for one stack in one environment: the synthesized JSON as
 * the engine reads it and, for a runtime state endpoint, the backend configuration file that
 * `init -backend-config` takes. Returns the environment variables every engine run needs.
 */
export function prepareWorkdir(workdir: string, synthesizedJson: string, store?: RuntimeStateStore): Record<string, string> {
  mkdirSync(workdir, { recursive: true });
  writeFileSync(join(workdir, 'main.tf.json'), synthesizedJson);
  if (!store) return {};
  writeFileSync(join(workdir, BACKEND_CONFIG_FILE), `endpoints = {\n  s3 = ${JSON.stringify(store.endpoint)}\n}\n`);
  return {
    AWS_ACCESS_KEY_ID: store.accessKey,
    AWS_SECRET_ACCESS_KEY: store.secretKey,
    AWS_REGION: 'us-east-1',
    TF_VAR_state_endpoint: store.endpoint,
  };
}
