import type { S3Client } from '@aws-sdk/client-s3';
import { quietAwsSdkNodeVersionWarning } from '@platform/workspace';
import type { EnvironmentConfig, StateConfig } from '@platform/config';
import { s3StateKey } from '@platform/core/names';
import { awsS3 } from '@platform/engine';
import { GcsStore, S3Store } from '@platform/store';
import { runtimeGcsStoreFromEnv, runtimeStoreFromEnv } from '@platform/deploy';

/**
 * An object store over an environment's state bucket (no prefix: keys are the engine's own, e.g.
 * `stacks/network/terraform.tfstate`). Call `destroy()` on an S3 one when done.
 *
 * - `backend: gcs`: a {@link GcsStore} over the Cloud Storage JSON API, the native client with
 *   object generations (snapshots record them, restores write with `ifGenerationMatch`). The
 *   endpoint is `state.endpoint` when configured, PLATFORM_STATE_ENDPOINT when it is `runtime` (an
 *   emulator, see `runtimeGcsStoreFromEnv`), else Cloud Storage itself with Application Default
 *   Credentials; the project is GOOGLE_CLOUD_PROJECT, else the environment's.
 * - `backend: s3` with `endpoint: runtime`: `PLATFORM_STATE_ENDPOINT`, `AWS_ACCESS_KEY_ID` and
 *   `AWS_SECRET_ACCESS_KEY`, all required (as for the engine, see `runtimeStoreFromEnv`).
 * - `backend: s3` with an explicit endpoint: that endpoint; without one, AWS S3 in `state.region`.
 *   Credentials are `AWS_ACCESS_KEY_ID`/`AWS_SECRET_ACCESS_KEY` from `env` when both are set, else
 *   the SDK's standard chain (profile, SSO, instance metadata). Every endpoint other than AWS S3
 *   itself is addressed path-style.
 */
export function openStateStore(environment: EnvironmentConfig, env: NodeJS.ProcessEnv = process.env): S3Store | GcsStore {
  const state = environment.state;
  if (state.backend === 'gcs') {
    const endpoint = state.endpoint === 'runtime' ? runtimeGcsStoreFromEnv(environment, env)!.endpoint : state.endpoint;
    return new GcsStore({
      bucket: state.bucket,
      ...(endpoint ? { apiEndpoint: endpoint } : {}),
      projectId: nonEmpty(env.GOOGLE_CLOUD_PROJECT) ?? environment.project,
    });
  }
  const keys = staticCredentials(env);
  const runtime = runtimeStoreFromEnv(environment, env);
  if (runtime) {
    return new S3Store({
      client: stateClient(state.region, runtime.endpoint, { accessKeyId: runtime.accessKey, secretAccessKey: runtime.secretKey }),
      bucket: state.bucket,
    });
  }
  return new S3Store({ client: stateClient(state.region, state.endpoint, keys), bucket: state.bucket });
}

/**
 * Key of a stack's state object in the state bucket: what the engine's backend reads and writes.
 * S3 backend: `<prefix>/<stack>/terraform.tfstate`; GCS backend (prefix `<prefix>/<stack>`, default
 * workspace): `<prefix>/<stack>/default.tfstate`.
 */
export function stateObjectKey(state: StateConfig, stack: string): string {
  return state.backend === 's3' ? s3StateKey(state, stack) : `${state.prefix}/${stack}/default.tfstate`;
}

/**
 * Key of the lock object the engine holds next to a state object while it runs: `<key>.tflock`
 * for the S3 backend (`use_lockfile`), `<prefix>/<stack>/default.tflock` for the GCS backend.
 */
export function stateLockKey(stateKey: string): string {
  return stateKey.endsWith('/default.tfstate') ? `${stateKey.slice(0, -'.tfstate'.length)}.tflock` : `${stateKey}.tflock`;
}

interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

function stateClient(region: string, endpoint: string | undefined, credentials: Credentials | undefined): S3Client {
  quietAwsSdkNodeVersionWarning();
  return new (awsS3().S3Client)({
    region,
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    ...(credentials === undefined ? {} : { credentials }),
    // As for the artifact store: checksums only where an operation requires one, which
    // S3-compatible servers (GCS interoperability among them) accept.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function staticCredentials(env: NodeJS.ProcessEnv): Credentials | undefined {
  const accessKeyId = nonEmpty(env.AWS_ACCESS_KEY_ID);
  const secretAccessKey = nonEmpty(env.AWS_SECRET_ACCESS_KEY);
  if (accessKeyId === undefined || secretAccessKey === undefined) return undefined;
  const sessionToken = nonEmpty(env.AWS_SESSION_TOKEN);
  return { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) };
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}
