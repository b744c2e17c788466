import { randomUUID } from 'node:crypto';
import type * as GoogleCloudStorage from '@google-cloud/storage';
import type { Bucket, File, GetFilesResponse, Storage } from '@google-cloud/storage';
import { assertValidPrefix, compareKeys } from './keys';
import { assertValidKey, type ObjectStore } from './object-store';
import { ExternalError, loadOnFirstUse, UsageError } from '@platform/workspace';

/** The Cloud Storage client library, loaded by the first command that talks to GCS. */
const googleCloudStorage = loadOnFirstUse<typeof GoogleCloudStorage>('@google-cloud/storage');

export interface GcsStoreOptions {
  readonly bucket: string;
  /**
   * A folder in the bucket under which every key lives, e.g. `platform/artifacts`; leading and
   * trailing slashes are ignored.
   * @default - keys at the bucket's top level
   */
  readonly prefix?: string;
  /**
   * The JSON API endpoint without its `/storage/v1` path, e.g. `http://127.0.0.1:4443` for the
   * emulator. Requests carry Application Default Credentials over `https` only: a plain `http`
   * endpoint is an emulator, which needs none.
   * @default 'https://storage.googleapis.com' (the library's own reading of STORAGE_EMULATOR_HOST is overridden)
   */
  readonly apiEndpoint?: string;
  /** The project, for the rare calls that need one (object calls do not). @default - what the credentials name */
  readonly projectId?: string;
  /** How long one HTTP request may take, in milliseconds, before it fails (and is retried). @default 30_000 */
  readonly timeout?: number;
  /** How often a request that failed with 408, 429, 5xx or a dropped connection is retried. @default 3 */
  readonly maxRetries?: number;
  /** The longest wait between two tries, in seconds (the wait doubles from about 1 s). @default 16 */
  readonly maxRetryDelay?: number;
  /** Objects from this size up go as resumable uploads, smaller ones as one multipart request. @default 8 MiB */
  readonly resumableThreshold?: number;
  /** How many keys one list request asks for. @default 1000 */
  readonly listPageSize?: number;
}

/**
 * Custom metadata each write carries: a random id, so that a write-if-absent whose response was
 * lost and whose retry then met 412 can tell its own object from another writer's.
 */
export const GCS_WRITE_ID_METADATA = 'platform-write-id';

const GOOGLE_CLOUD_STORAGE = 'https://storage.googleapis.com';
const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_RETRIES = 3;
const DEFAULT_MAX_RETRY_DELAY_S = 16;
const DEFAULT_RESUMABLE_THRESHOLD = 8 * 1024 * 1024;
const DEFAULT_LIST_PAGE_SIZE = 1000;

/**
 * An {@link ObjectStore} in a Google Cloud Storage bucket, through the JSON API with
 * `@google-cloud/storage`: `gs://bucket/prefix`.
 *
 * - `ifAbsent` writes send `ifGenerationMatch=0`: GCS creates the object only if none exists,
 *   atomically; the losers get 412, reported as `{ written: false }`.
 * - Every request is retried with exponential backoff on 408, 429, 5xx and dropped connections
 *   (`retryOptions` with `IdempotencyStrategy.RetryAlways`), conditional writes included, and
 *   fails after `timeout` ms per attempt. Every operation is safe to repeat: a plain put writes
 *   the same bytes again, a delete that finds nothing is no error, and a write-if-absent that
 *   meets 412 on a retry reads the object's write id to learn whether the first attempt won.
 * - A 404 on get or delete is a missing object only when the bucket answers a list; a missing
 *   bucket is an error naming it, never an empty store.
 */
export class GcsStore implements ObjectStore {
  readonly client: Storage;
  readonly bucketName: string;
  /** The normalised folder in the bucket, without slashes at either end; '' for none. */
  readonly prefix: string;
  readonly location: string;
  private readonly bucket: Bucket;
  private readonly timeout: number;
  private readonly resumableThreshold: number;
  private readonly listPageSize: number;

  constructor(options: GcsStoreOptions) {
    const problem = gcsBucketProblem(options.bucket);
    if (problem) throw new UsageError(`invalid GCS bucket name '${options.bucket}': it ${problem}`);
    const prefix = (options.prefix ?? '').replace(/^\/+|\/+$/g, '');
    if (prefix !== '') {
      try {
        assertValidKey(prefix);
      } catch {
        throw new UsageError(`invalid GCS store prefix '${options.prefix}': use slash-separated names without '.', '..' or empty parts`);
      }
    }
    for (const [name, value] of [['timeout', options.timeout], ['maxRetryDelay', options.maxRetryDelay], ['listPageSize', options.listPageSize], ['resumableThreshold', options.resumableThreshold]] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw new UsageError(`GCS store option ${name} must be a positive number, got ${String(value)}`);
    }
    if (options.maxRetries !== undefined && !(Number.isInteger(options.maxRetries) && options.maxRetries >= 0)) {
      throw new UsageError(`GCS store option maxRetries must be a whole number from 0 up, got ${String(options.maxRetries)}`);
    }
    const apiEndpoint = normaliseEndpoint(options.apiEndpoint ?? GOOGLE_CLOUD_STORAGE, 'apiEndpoint');
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT_MS;
    const maxRetries = options.maxRetries ?? DEFAULT_MAX_RETRIES;
    const maxRetryDelay = options.maxRetryDelay ?? DEFAULT_MAX_RETRY_DELAY_S;
    const { IdempotencyStrategy, Storage: StorageClient } = googleCloudStorage();
    this.client = new StorageClient({
      // Always explicit: the library would otherwise take STORAGE_EMULATOR_HOST from process.env
      // by itself, whatever environment the caller passed to the factory.
      apiEndpoint,
      useAuthWithCustomEndpoint: apiEndpoint.startsWith('https:'),
      ...(options.projectId === undefined ? {} : { projectId: options.projectId }),
      timeout: this.timeout,
      retryOptions: {
        // The library reads maxRetries 0 as "the default"; no retries is autoRetry off.
        autoRetry: maxRetries > 0,
        maxRetries: Math.max(maxRetries, 1),
        retryDelayMultiplier: 2,
        maxRetryDelay,
        // Enough for every attempt to time out and every wait to reach its cap.
        totalTimeout: Math.ceil(((maxRetries + 1) * this.timeout) / 1000 + maxRetries * maxRetryDelay),
        // RetryConditional would retry a plain put or delete not at all, and the library turns
        // retries off client-wide while such a call runs; every call here is safe to repeat.
        idempotencyStrategy: IdempotencyStrategy.RetryAlways,
      },
    });
    // With STORAGE_EMULATOR_HOST set, the library sends JSON calls to that value verbatim (without
    // /storage/v1, so fake-gcs-server answers 404 for everything) but uploads to apiEndpoint:
    // keep both on the one endpoint chosen.
    this.client.baseUrl = `${apiEndpoint}/storage/v1`;
    this.bucketName = options.bucket;
    this.bucket = this.client.bucket(options.bucket);
    this.prefix = prefix;
    this.location = `gs://${this.bucketName}${prefix === '' ? '' : `/${prefix}`}`;
    this.resumableThreshold = options.resumableThreshold ?? DEFAULT_RESUMABLE_THRESHOLD;
    this.listPageSize = options.listPageSize ?? DEFAULT_LIST_PAGE_SIZE;
  }

  async put(key: string, body: Uint8Array, options: { readonly ifAbsent?: boolean } = {}): Promise<{ readonly written: boolean }> {
    return this.write(key, body, options.ifAbsent ? 0 : undefined);
  }

  /** Writes only if the object's generation is still `generation` (ifGenerationMatch); false when another write came first. */
  async putIfGeneration(key: string, body: Uint8Array, generation: string): Promise<{ readonly written: boolean }> {
    if (!/^[1-9]\d*$/.test(generation)) throw new UsageError(`invalid GCS object generation '${generation}' for '${key}' in ${this.location}: a positive whole number`);
    return this.write(key, body, Number(generation));
  }

  /** A write with `ifGenerationMatch` when given (0: only if absent). */
  private async write(key: string, body: Uint8Array, ifGenerationMatch: number | undefined): Promise<{ readonly written: boolean }> {
    const file = this.file(key);
    const writeId = randomUUID();
    try {
      await file.save(Buffer.from(body.buffer, body.byteOffset, body.byteLength), {
        resumable: body.byteLength >= this.resumableThreshold,
        contentType: 'application/octet-stream',
        metadata: { metadata: { [GCS_WRITE_ID_METADATA]: writeId } },
        timeout: this.timeout,
        ...(ifGenerationMatch !== undefined ? { preconditionOpts: { ifGenerationMatch } } : {}),
      });
      return { written: true };
    } catch (error) {
      if (ifGenerationMatch !== undefined && statusOf(error) === 412) return { written: await this.isOwnWrite(key, file, writeId) };
      throw this.describe('put', key, error);
    }
  }

  /**
   * The object's bytes and their generation: the metadata names the live generation, and that
   * very generation is downloaded, so a write in between cannot pair one generation's number with
   * another's bytes (it is read again instead).
   */
  async getWithGeneration(key: string): Promise<{ readonly body: Uint8Array; readonly generation: string } | undefined> {
    const file = this.file(key);
    for (let attempt = 1; ; attempt++) {
      let generation: string;
      try {
        const [metadata] = await file.getMetadata();
        generation = String(metadata.generation);
      } catch (error) {
        if (statusOf(error) === 404) {
          await this.assertBucketExists('get', key);
          return undefined;
        }
        throw this.describe('get', key, error);
      }
      try {
        const [bytes] = await this.bucket.file(file.name, { generation: Number(generation) }).download();
        return { body: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), generation };
      } catch (error) {
        // Replaced (or deleted) between the two calls: that generation is gone; read the new one.
        if (statusOf(error) === 404 && attempt < 5) continue;
        throw this.describe('get', key, error);
      }
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const file = this.file(key);
    try {
      const [bytes] = await file.download();
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      if (statusOf(error) === 404) {
        await this.assertBucketExists('get', key);
        return undefined;
      }
      throw this.describe('get', key, error);
    }
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    const root = this.prefix === '' ? '' : `${this.prefix}/`;
    const keys: string[] = [];
    let pageToken: string | undefined;
    do {
      let page: GetFilesResponse;
      try {
        page = await this.bucket.getFiles({ prefix: root + prefix, autoPaginate: false, maxResults: this.listPageSize, ...(pageToken ? { pageToken } : {}) });
      } catch (error) {
        throw new ExternalError(`cannot list '${prefix}' in ${this.location}: ${describeError(error)}${this.hint(error)}`, { cause: error });
      }
      const [files, next] = page;
      for (const file of files) {
        const key = file.name.slice(root.length);
        // Skip what this store could not have written, e.g. folder placeholders ('a/') made by consoles.
        if (file.name.startsWith(root) && isValidKey(key)) keys.push(key);
      }
      pageToken = (next as { pageToken?: string } | null | undefined)?.pageToken;
    } while (pageToken);
    return keys.sort(compareKeys);
  }

  async delete(key: string): Promise<void> {
    const file = this.file(key);
    try {
      await file.delete();
    } catch (error) {
      if (statusOf(error) === 404) {
        await this.assertBucketExists('delete', key);
        return;
      }
      throw this.describe('delete', key, error);
    }
  }

  private file(key: string): File {
    assertValidKey(key);
    return this.bucket.file(this.prefix === '' ? key : `${this.prefix}/${key}`);
  }

  /** After a 412 on a write-if-absent: true when the object there is the one this call wrote (an earlier attempt won). */
  private async isOwnWrite(key: string, file: File, writeId: string): Promise<boolean> {
    try {
      const [metadata] = await file.getMetadata();
      return metadata.metadata?.[GCS_WRITE_ID_METADATA] === writeId;
    } catch (error) {
      // Deleted since: someone else's object was there when ours was refused.
      if (statusOf(error) === 404) return false;
      throw this.describe('put', key, error);
    }
  }

  /** A 404 names a missing object only if the bucket is there: a list of one key tells (objects.list permission suffices). */
  private async assertBucketExists(operation: Operation, key: string): Promise<void> {
    try {
      await this.bucket.getFiles({ prefix: this.prefix, autoPaginate: false, maxResults: 1 });
    } catch (error) {
      if (statusOf(error) === 404) {
        throw new ExternalError(`cannot ${operation} '${key}' in ${this.location}: the bucket '${this.bucketName}' does not exist (HTTP 404)`, { cause: error });
      }
      throw this.describe(operation, key, error);
    }
  }

  private describe(operation: Operation, key: string, error: unknown): Error {
    return new ExternalError(`cannot ${operation} '${key}' in ${this.location}: ${describeError(error)}${this.hint(error)}`, { cause: error });
  }

  /** What to check next, for the failures a user can act on. */
  private hint(error: unknown): string {
    const status = statusOf(error);
    const credentials = 'Application Default Credentials from `gcloud auth application-default login` or GOOGLE_APPLICATION_CREDENTIALS';
    if (status === 401 || status === 403) return ` (check the credentials: ${credentials}, and their role on the bucket)`;
    if (status === 404) return ` (does the bucket '${this.bucketName}' exist?)`;
    if (isTimeout(error)) return ` (no answer within ${this.timeout} ms, the request timeout)`;
    const message = describeError(error);
    if (/default credentials/i.test(message)) return ` (no Google credentials: ${credentials}; without Google Cloud, use a local store: --store dist/store or PLATFORM_STORE)`;
    if (/ENOTFOUND|ECONNREFUSED|EAI_AGAIN/.test(message)) return ' (Cloud Storage cannot be reached from here; without Google Cloud, use a local store: --store dist/store or PLATFORM_STORE)';
    return '';
  }
}

type Operation = 'get' | 'put' | 'delete';

/** What {@link gcsStoreFromEnvironment} and `openStore` read. */
export const GCS_STORE_ENVIRONMENT = {
  emulatorHost: 'STORAGE_EMULATOR_HOST',
  endpoint: 'PLATFORM_STORE_ENDPOINT',
  project: 'GOOGLE_CLOUD_PROJECT',
} as const;

/**
 * A {@link GcsStore} for `bucket`/`prefix` with its client configured from the environment:
 * `STORAGE_EMULATOR_HOST` (`host:port` or a URL; plain HTTP when no scheme is given, as the Go and
 * Python clients read it) or `PLATFORM_STORE_ENDPOINT` (an http(s) URL of a GCS JSON API endpoint)
 * for an emulator or a private endpoint, and `GOOGLE_CLOUD_PROJECT`. Without an endpoint it talks
 * to Google Cloud Storage with Application Default Credentials (`GOOGLE_APPLICATION_CREDENTIALS`,
 * gcloud's application default credentials, or the metadata server), which the library reads.
 */
export function gcsStoreFromEnvironment(
  location: { readonly bucket: string; readonly prefix?: string },
  env: NodeJS.ProcessEnv = process.env,
  options: Omit<GcsStoreOptions, 'bucket' | 'prefix' | 'apiEndpoint' | 'projectId'> = {},
): GcsStore {
  const emulator = nonEmpty(env[GCS_STORE_ENVIRONMENT.emulatorHost]);
  const endpoint = nonEmpty(env[GCS_STORE_ENVIRONMENT.endpoint]);
  const fromEmulator = emulator === undefined ? undefined : normaliseEndpoint(/^[a-z][a-z0-9+.-]*:\/\//i.test(emulator) ? emulator : `http://${emulator}`, GCS_STORE_ENVIRONMENT.emulatorHost);
  const fromEndpoint = endpoint === undefined ? undefined : normaliseEndpoint(endpoint, GCS_STORE_ENVIRONMENT.endpoint);
  if (fromEmulator !== undefined && fromEndpoint !== undefined && fromEmulator !== fromEndpoint) {
    throw new UsageError(
      `${GCS_STORE_ENVIRONMENT.emulatorHost}='${emulator}' and ${GCS_STORE_ENVIRONMENT.endpoint}='${endpoint}' name different GCS endpoints: unset one of them`,
    );
  }
  const apiEndpoint = fromEmulator ?? fromEndpoint;
  const projectId = nonEmpty(env[GCS_STORE_ENVIRONMENT.project]);
  return new GcsStore({
    ...options,
    ...location,
    ...(apiEndpoint === undefined ? {} : { apiEndpoint }),
    ...(projectId === undefined ? {} : { projectId }),
  });
}

/** GCS bucket naming rules: 3-63 characters (up to 222 with dots), lowercase letters, digits, `-`, `_`, `.`. */
function gcsBucketProblem(name: string): string | undefined {
  if (!name || name.includes('/')) return "must be given alone (put any folder in 'prefix')";
  if (name.length < 3 || name.length > (name.includes('.') ? 222 : 63)) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9._-]*[a-z0-9]$/.test(name)) {
    return 'must use only lowercase letters, digits, dots, hyphens and underscores, and start and end with a letter or digit';
  }
  return undefined;
}

/** `http(s)://host[:port]` without a trailing slash or `/storage/v1`; anything else is refused naming its source. */
function normaliseEndpoint(value: string, source: string): string {
  const trimmed = value.trim().replace(/\/+$/, '').replace(/\/storage\/v1$/, '');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new UsageError(`${source}='${value}' is not an http(s) URL, e.g. http://127.0.0.1:4443 or https://storage.googleapis.com`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '' || (url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new UsageError(`${source}='${value}' is not an http(s) URL of a host, e.g. http://127.0.0.1:4443 or https://storage.googleapis.com`);
  }
  return `${url.protocol}//${url.host}`;
}

/** The HTTP status of a library error, when it has one. */
function statusOf(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number') return code;
  if (typeof code === 'string' && /^\d{3}$/.test(code)) return Number(code);
  return undefined;
}

/** A request that got no answer in time (node-fetch's `request-timeout`, as the library reports it). */
function isTimeout(error: unknown): boolean {
  const e = error as { type?: unknown; message?: unknown } | undefined;
  return e?.type === 'request-timeout' || (typeof e?.message === 'string' && /network timeout|ETIMEDOUT|timed? ?out/i.test(e.message));
}

function describeError(error: unknown): string {
  const status = statusOf(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  const message = ((error as { message?: string } | undefined)?.message ?? String(error)).trim().split('\n')[0]!;
  if (status !== undefined) return `HTTP ${status}: ${message}`;
  return typeof code === 'string' ? `${code}: ${message}` : message;
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
