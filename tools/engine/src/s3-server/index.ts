// The local S3 server (versitygw, built from the Go module proxy) that tests and scripts start on 127.0.0.1.
export { cachedS3ServerPath, ensureS3Server, s3ServerVersion, type EnsureS3ServerOptions, type S3ServerBinary } from './install';
export {
  bucketNameProblem,
  S3_SERVER_HOST,
  S3_SERVER_REGION,
  S3ServerStartError,
  startS3Server,
  type RunningS3Server,
  type S3ServerExit,
  type StartS3ServerOptions,
  validateS3ServerOptions,
} from './server';
export { pickFreePort } from './free-port';
export { awsS3, s3ClientFor, type S3Connection } from './s3-client';
export { startStateServer, type StateServerSession } from './state-server';
