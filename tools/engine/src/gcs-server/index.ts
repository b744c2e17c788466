// The GCS emulator (fake-gcs-server, built from the Go module proxy) that tests and scripts start on 127.0.0.1.
export { cachedGcsServerPath, ensureGcsServer, gcsServerStampPath, gcsServerVersion, type EnsureGcsServerOptions, type GcsServerBinary } from './install';
export {
  GCS_SERVER_HOST,
  gcsBucketNameProblem,
  GcsServerStartError,
  startGcsServer,
  validateGcsServerOptions,
  type GcsServerBackend,
  type GcsServerExit,
  type RunningGcsServer,
  type StartGcsServerOptions,
} from './server';
