import type * as AwsS3 from '@aws-sdk/client-s3';
import { loadOnFirstUse, quietAwsSdkNodeVersionWarning } from '@platform/workspace';

/** The AWS SDK's S3 client package, loaded by the first command that talks to S3. */
export const awsS3 = loadOnFirstUse<typeof AwsS3>('@aws-sdk/client-s3');

/** Where an S3 endpoint is and the static keys to sign for it. */
export interface S3Connection {
  /** e.g. `http://127.0.0.1:9000`; path-style addressing is used. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

/**
 * An `S3Client` for the local S3 server (or any S3-compatible endpoint): path-style, static
 * credentials (nothing read from the environment or `~/.aws`), and flexible checksums only where
 * an operation requires one (e.g. PutBucketVersioning), not on every PutObject/GetObject, so
 * servers without CRC32 support serve plain object calls. versitygw 1.8.0 accepts CRC32 either way.
 * Call `destroy()` when done to close its keep-alive sockets.
 */
export function s3ClientFor(server: S3Connection): AwsS3.S3Client {
  quietAwsSdkNodeVersionWarning();
  return new (awsS3().S3Client)({
    endpoint: server.endpoint,
    region: server.region ?? 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKey, secretAccessKey: server.secretKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 10_000 },
  });
}
