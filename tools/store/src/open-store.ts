import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gcsStoreFromEnvironment } from './gcs-store';
import { LocalDirectoryStore } from './local-directory-store';
import type { ObjectStore } from './object-store';
import { s3ClientFromEnvironment, S3Store } from './s3-store';
import { UsageError } from '@platform/workspace';

/** The embedded default store when none is configured: this folder under the workspace root. */
export const DEFAULT_LOCAL_STORE_DIR = 'dist/store';

export interface OpenStoreOptions {
  /**
   * Where the client settings are read: `PLATFORM_STORE_ENDPOINT` and `AWS_REGION` for `s3://`
   * specs; `STORAGE_EMULATOR_HOST`, `PLATFORM_STORE_ENDPOINT` and `GOOGLE_CLOUD_PROJECT` for `gs://` specs.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /** What relative paths are resolved against. @default process.cwd() */
  readonly cwd?: string;
}

const ACCEPTED_FORMS = "'gs://<bucket>[/<prefix>]', 's3://<bucket>[/<prefix>]', 'file:<path>', 'file:///<absolute path>' or a directory path";

/**
 * Opens the store a spec names:
 * - `gs://bucket/prefix`: a {@link GcsStore} through the GCS JSON API, with Application Default
 *   Credentials, or the emulator or endpoint that `STORAGE_EMULATOR_HOST` or `PLATFORM_STORE_ENDPOINT`
 *   names (see {@link gcsStoreFromEnvironment});
 * - `s3://bucket/prefix`: an {@link S3Store} whose client is configured from the environment
 *   (`PLATFORM_STORE_ENDPOINT` for an S3-compatible server, `AWS_REGION`, the SDK's credentials chain);
 * - `file:<path>`, `file:///<absolute path>` or a bare path: a {@link LocalDirectoryStore} there.
 * Anything else is refused with an error naming the spec and the accepted forms.
 */
export function openStore(spec: string, options: OpenStoreOptions = {}): ObjectStore {
  const cwd = options.cwd ?? process.cwd();
  const trimmed = spec.trim();
  if (trimmed === '') throw new UsageError(`empty object store spec: use ${ACCEPTED_FORMS}`);
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(trimmed)?.[1]?.toLowerCase();
  // A scheme of one letter is a Windows drive (C:\store), not a URL.
  if (scheme === undefined || (scheme.length === 1 && /^[a-zA-Z]:[\\/]/.test(trimmed))) {
    return new LocalDirectoryStore(resolve(cwd, trimmed));
  }
  if (scheme === 'file') return new LocalDirectoryStore(filePath(trimmed, cwd));
  if (scheme === 's3' || scheme === 'gs') {
    const match = /^[a-z0-9]+:\/\/([^/]+)(?:\/(.*))?$/i.exec(trimmed);
    if (!match) throw new UsageError(`object store spec '${spec}' names no bucket: use ${ACCEPTED_FORMS}`);
    const [, bucket, prefix] = match;
    const location = { bucket: bucket!, ...(prefix ? { prefix } : {}) };
    if (scheme === 'gs') return gcsStoreFromEnvironment(location, options.env);
    return new S3Store({ client: s3ClientFromEnvironment(options.env), ...location });
  }
  throw new UsageError(`unsupported object store spec '${spec}': use ${ACCEPTED_FORMS}`);
}

/**
 * The store a command uses: the spec its option gives, else the one the environment variable
 * names (PLATFORM_STORE for the artifact store), else a local directory under the workspace root.
 */
export function openConfiguredStore(
  workspaceRoot: string,
  spec: string | undefined,
  options: { readonly variable?: string; readonly defaultDir?: string; readonly env?: NodeJS.ProcessEnv } = {},
): ObjectStore {
  const env = options.env ?? process.env;
  const fromEnv = env[options.variable ?? 'PLATFORM_STORE']?.trim();
  return openStore(spec ?? (fromEnv || join(workspaceRoot, options.defaultDir ?? DEFAULT_LOCAL_STORE_DIR)), { env });
}

/** The embedded default: a {@link LocalDirectoryStore} in `dist/store` under the workspace root. */
export function defaultLocalStore(workspaceRoot: string): LocalDirectoryStore {
  return new LocalDirectoryStore(join(workspaceRoot, DEFAULT_LOCAL_STORE_DIR));
}

function filePath(spec: string, cwd: string): string {
  if (spec.startsWith('file://')) {
    try {
      return fileURLToPath(spec);
    } catch (error) {
      throw new UsageError(`object store spec '${spec}' is not a local file URL (${(error as Error).message}): use ${ACCEPTED_FORMS}`, { cause: error });
    }
  }
  const path = spec.slice('file:'.length);
  if (path === '') throw new UsageError(`object store spec '${spec}' names no directory: use ${ACCEPTED_FORMS}`);
  return isAbsolute(path) ? path : resolve(cwd, path);
}
