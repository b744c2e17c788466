import type * as AwsS3 from '@aws-sdk/client-s3';
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { assertValidPrefix, compareKeys } from './keys';
import { assertValidKey, type ObjectStore } from './object-store';
import { ExternalError, loadOnFirstUse, quietAwsSdkNodeVersionWarning, UsageError } from '@platform/workspace';

/** The AWS SDK's S3 client package, loaded by the first command that talks to S3. */
const awsS3 = loadOnFirstUse<typeof AwsS3>('@aws-sdk/client-s3');

export interface S3StoreOptions {
  /** The client to send requests with; the store never reconfigures it. */
  readonly client: S3Client;
  readonly bucket: string;
  /**
   * A folder in the bucket under which every key lives, e.g. `platform/artifacts`; leading and
   * trailing slashes are ignored.
   * @default - keys at the bucket's top level
   */
  readonly prefix?: string;
}

/** How often a conditional write that meets a concurrent one (409 ConditionalRequestConflict) is retried. */
const CONFLICT_RETRIES = 4;

/**
 * An {@link ObjectStore} in an S3-compatible bucket: AWS S3, the GCS XML interoperability endpoint
 * (`https://storage.googleapis.com` with HMAC keys, through the same `endpoint` option) or the
 * local S3 server.
 *
 * `ifAbsent` writes send `If-None-Match: *`, so the server decides atomically which of several
 * writers wins; the losers get 412 PreconditionFailed, reported as `{ written: false }`.
 */
export class S3Store implements ObjectStore {
  readonly client: S3Client;
  readonly bucket: string;
  /** The normalised folder in the bucket, without slashes at either end; '' for none. */
  readonly prefix: string;
  readonly location: string;

  constructor(options: S3StoreOptions) {
    if (!options.bucket || options.bucket.includes('/')) {
      throw new UsageError(`invalid S3 bucket name '${options.bucket}': give the bucket alone, and put any folder in 'prefix'`);
    }
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix !== '') {
      try {
        assertValidKey(prefix);
      } catch {
        throw new UsageError(`invalid S3 store prefix '${options.prefix}': use slash-separated names without '.', '..' or empty parts`);
      }
    }
    this.client = options.client;
    this.bucket = options.bucket;
    this.prefix = prefix;
    this.location = `s3://${this.bucket}${prefix === '' ? '' : `/${prefix}`}`;
  }

  async put(key: string, body: Uint8Array, options: { readonly ifAbsent?: boolean } = {}): Promise<{ readonly written: boolean }> {
    const Key = this.objectKey(key);
    const input = {
      Bucket: this.bucket,
      Key,
      Body: body,
      ContentLength: body.byteLength,
      ContentType: 'application/octet-stream',
      ...(options.ifAbsent ? { IfNoneMatch: '*' } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.client.send(new (awsS3().PutObjectCommand)(input));
        return { written: true };
      } catch (error) {
        if (!options.ifAbsent) throw this.describe('put', key, error);
        if (isRefusal(error, 'PreconditionFailed', 412)) return { written: false };
        if (isRefusal(error, 'ConditionalRequestConflict', 409)) {
          // Another conditional write to this key is in flight. Retrying learns its outcome
          // (412 if it succeeded); if it is still in flight after the retries, it is the winner.
          if (attempt >= CONFLICT_RETRIES) return { written: false };
          await sleep(50 * 2 ** attempt);
          continue;
        }
        throw this.describe('put', key, error);
      }
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const Key = this.objectKey(key);
    try {
      const object = await this.client.send(new (awsS3().GetObjectCommand)({ Bucket: this.bucket, Key }));
      return object.Body ? await object.Body.transformToByteArray() : new Uint8Array();
    } catch (error) {
      // Any 404 but a missing bucket: a misconfigured bucket must not read as an empty store.
      if (isRefusal(error, 'NoSuchKey', 404) && (error as { name?: string }).name !== 'NoSuchBucket') return undefined;
      throw this.describe('get', key, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const root = this.prefix === '' ? '' : `${this.prefix}/`;
    const keys: string[] = [];
    let ContinuationToken: string | undefined;
    do {
      let page: ListObjectsV2CommandOutput;
      try {
        page = await this.client.send(
          new (awsS3().ListObjectsV2Command)({ Bucket: this.bucket, Prefix: root + prefix, ...(ContinuationToken ? { ContinuationToken } : {}) }),
        );
      } catch (error) {
        throw new ExternalError(`cannot list '${prefix}' in ${this.location}: ${message(error)}`, { cause: error });
      }
      for (const object of page.Contents ?? []) {
        const key = object.Key?.slice(root.length);
        // Skip what this store could not have written, e.g. folder markers ('a/') made by consoles.
        if (key !== undefined && object.Key!.startsWith(root) && isValidKey(key)) keys.push(key);
      }
      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (ContinuationToken);
    return keys.sort(compareKeys);
  }

  async delete(key: string): Promise<void> {
    const Key = this.objectKey(key);
    try {
      await this.client.send(new (awsS3().DeleteObjectCommand)({ Bucket: this.bucket, Key }));
    } catch (error) {
      throw this.describe('delete', key, error);
    }
  }

  /** Closes the client's connections. Call it when the store owns its client (the factories' stores do). */
  destroy(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertValidKey(key);
    return this.prefix === '' ? key : `${this.prefix}/${key}`;
  }

  private describe(operation: 'get' | 'put' | 'delete', key: string, error: unknown): Error {
    return new ExternalError(`cannot ${operation} '${key}' in ${this.location}: ${message(error)}`, { cause: error });
  }
}

/** What {@link s3StoreFromEnvironment} and `openStore` read. */
export const S3_STORE_ENVIRONMENT = {
  bucket: 'PLATFORM_STORE_BUCKET',
  prefix: 'PLATFORM_STORE_PREFIX',
  endpoint: 'PLATFORM_STORE_ENDPOINT',
  region: 'AWS_REGION',
  /** Seconds a request may go without a byte from the server before it is abandoned and retried (default 30). */
  timeout: 'PLATFORM_STORE_TIMEOUT_SECONDS',
} as const;

/**
 * An `S3Client` configured from the environment: `AWS_REGION` (default `us-east-1`) and, for an
 * S3-compatible server, `PLATFORM_STORE_ENDPOINT` (path-style addressing). For Google Cloud
 * Storage use `https://storage.googleapis.com` with HMAC keys as AWS credentials.
 * Credentials come from the SDK's standard provider chain (`AWS_ACCESS_KEY_ID`/
 * `AWS_SECRET_ACCESS_KEY`, `AWS_PROFILE` and `~/.aws`, SSO, web identity, instance metadata),
 * which reads the process environment; this function never reads them itself.
 */
export function s3ClientFromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Client {
  const endpoint = nonEmpty(env[S3_STORE_ENVIRONMENT.endpoint]);
  if (endpoint !== undefined && !/^https?:\/\/[^/]/.test(endpoint)) {
    throw new UsageError(`${S3_STORE_ENVIRONMENT.endpoint}='${endpoint}' is not an http(s) URL, e.g. http://127.0.0.1:9000 or https://storage.googleapis.com`);
  }
  const timeoutText = nonEmpty(env[S3_STORE_ENVIRONMENT.timeout]);
  const timeoutMs = timeoutText === undefined ? S3_REQUEST_TIMEOUT_MS : Number(timeoutText) * 1000;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new UsageError(`${S3_STORE_ENVIRONMENT.timeout}='${timeoutText}' must be a positive number of seconds`);
  const accessKeyId = nonEmpty(env['AWS_ACCESS_KEY_ID']);
  const secretAccessKey = nonEmpty(env['AWS_SECRET_ACCESS_KEY']);
  const sessionToken = nonEmpty(env['AWS_SESSION_TOKEN']);
  quietAwsSdkNodeVersionWarning();
  return new (awsS3().S3Client)({
    region: nonEmpty(env[S3_STORE_ENVIRONMENT.region]) ?? 'us-east-1',
    // Static keys from the environment given (not necessarily this process's); else the SDK's own chain.
    ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) } } : {}),
    ...(endpoint === undefined ? {} : { endpoint, forcePathStyle: true }),
    // Checksums only where an operation requires one: S3-compatible servers (GCS interop among
    // them) reject or ignore the flexible checksums the SDK would otherwise add to every call.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    // A server that stops answering fails the call instead of hanging it: an attempt gives up when
    // its socket stays silent for the timeout (a large upload that keeps moving is not cut), and the
    // SDK's standard retry (backoff with jitter) tries three times.
    requestHandler: { connectionTimeout: Math.min(S3_CONNECTION_TIMEOUT_MS, timeoutMs), socketTimeout: timeoutMs },
    maxAttempts: S3_MAX_ATTEMPTS,
  });
}

/** Per attempt: how long to wait for a connection, and for an answer once connected. */
export const S3_CONNECTION_TIMEOUT_MS = 5_000;
export const S3_REQUEST_TIMEOUT_MS = 30_000;
export const S3_MAX_ATTEMPTS = 3;

/**
 * An {@link S3Store} configured from the environment: `PLATFORM_STORE_BUCKET` (required),
 * `PLATFORM_STORE_PREFIX`, and the client settings of {@link s3ClientFromEnvironment}.
 * Call `destroy()` on the store when done.
 */
export function s3StoreFromEnvironment(env: NodeJS.ProcessEnv = process.env): S3Store {
  const bucket = nonEmpty(env[S3_STORE_ENVIRONMENT.bucket]);
  if (bucket === undefined) {
    throw new UsageError(`${S3_STORE_ENVIRONMENT.bucket} is not set: name the bucket of the S3 object store (and optionally ${S3_STORE_ENVIRONMENT.prefix} and ${S3_STORE_ENVIRONMENT.endpoint})`);
  }
  const prefix = nonEmpty(env[S3_STORE_ENVIRONMENT.prefix]);
  return new S3Store({ client: s3ClientFromEnvironment(env), bucket, ...(prefix === undefined ? {} : { prefix }) });
}

/** True when an SDK error is the named S3 error code or carries the HTTP status. */
function isRefusal(error: unknown, name: string, status: number): boolean {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === name || e?.Code === name || e?.$metadata?.httpStatusCode === status;
}

function isValidKey(key: string): boolean {
  try {
    assertValidKey(key);
    return true;
  } catch {
    return false;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === '' ? undefined : trimmed;
}

function message(error: unknown): string {
  const e = error as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e?.$metadata?.httpStatusCode;
  return `${e?.name ?? 'Error'}${status ? ` (HTTP ${status})` : ''}: ${e?.message ?? String(error)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
