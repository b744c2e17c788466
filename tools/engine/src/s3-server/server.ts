import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { claimDataDir, recordServerPid } from '../data-dir-lock';
import { describeExit, killOnExit, spawnServerProcess, terminate, waitUntilHealthy, type ServerExit, type ServerProcess } from '../server-process';
import { pickFreePort } from './free-port';
import { awsS3, s3ClientFor, type S3Connection } from './s3-client';
import { ExternalError } from '@platform/workspace';

/** The only address the local server ever listens on. */
export const S3_SERVER_HOST = '127.0.0.1';
export const S3_SERVER_REGION = 'us-east-1';
/** Unauthenticated readiness path (`versitygw --health`); `_` keeps it clear of bucket names. */
const HEALTH_PATH = '/_health';
/** Inside a data dir: the gateway root (one directory per bucket) and the version store. */
const ROOT_SUBDIR = 'buckets';
const VERSIONS_SUBDIR = 'versions';
const PORT_ATTEMPTS = 3;

export interface StartS3ServerOptions {
  /** The versitygw binary, e.g. from `ensureS3Server()`. */
  readonly binary: string;
  /**
   * Where buckets and object versions live (`<dataDir>/buckets`, `<dataDir>/versions`); its
   * filesystem must support user extended attributes. Kept on stop.
   * @default - a new temporary directory, removed on stop
   */
  readonly dataDir?: string;
  /**
   * The server listens on this loopback address only; nothing else is accepted.
   * @default '127.0.0.1'
   */
  readonly host?: typeof S3_SERVER_HOST;
  /** @default 0 - a free port on 127.0.0.1 */
  readonly port?: number;
  /** @default - a random access key */
  readonly accessKey?: string;
  /** @default - a random secret key */
  readonly secretKey?: string;
  /** Buckets that exist once the server is ready (existing ones are kept). @default [] */
  readonly buckets?: readonly string[];
  /** Turn on object versioning for the buckets (the gateway gets a version store either way when true). @default true */
  readonly versioned?: boolean;
  /** How long to wait for the server to answer before giving up. @default 20_000 */
  readonly readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. @default 5_000 */
  readonly stopGraceMs?: number;
  /**
   * Run the server in a process group of its own, out of reach of signals sent to the caller's
   * group (Ctrl-C): the caller stops it, and it is killed when the caller exits. @default false
   */
  readonly ownProcessGroup?: boolean;
}

/** How the server process ended. */
export type S3ServerExit = ServerExit;

export interface RunningS3Server extends S3Connection {
  /** `http://127.0.0.1:<port>` (path-style addressing). */
  readonly endpoint: string;
  readonly port: number;
  readonly accessKey: string;
  readonly secretKey: string;
  readonly region: typeof S3_SERVER_REGION;
  readonly dataDir: string;
  readonly pid: number;
  /** The buckets created (or found) at start. */
  readonly buckets: readonly string[];
  /** Settles when the server process ends, whether by stop() or not. */
  readonly exited: Promise<S3ServerExit>;
  /** The server's last output lines (stdout and stderr), for error messages. */
  outputTail(): string;
  /** SIGTERM, SIGKILL after the grace period, wait for the exit; removes a temporary data dir. Idempotent. */
  stop(): Promise<void>;
}

export class S3ServerStartError extends ExternalError {
  override readonly name = 'S3ServerStartError';
}

/** S3 bucket naming rules, as versitygw enforces them by default. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name)) {
    return 'must use only lowercase letters, digits, dots and hyphens, and start and end with a letter or digit';
  }
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (/^\d+\.\d+\.\d+\.\d+$/.test(name)) return 'must not look like an IP address';
  return undefined;
}

/** Checks the options that need no binary; startS3Server() runs it first, scripts may call it before a long build. */
export function validateS3ServerOptions(options: Omit<StartS3ServerOptions, 'binary'>): void {
  const host: string = options.host ?? S3_SERVER_HOST;
  if (host !== S3_SERVER_HOST) {
    throw new S3ServerStartError(`host '${host}' is not allowed: the local S3 server listens on ${S3_SERVER_HOST} only`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new S3ServerStartError(`port ${String(options.port)} is not a TCP port: use 1-65535, or 0 for a free one`);
  }
  for (const [option, value] of [['accessKey', options.accessKey], ['secretKey', options.secretKey]] as const) {
    if (value !== undefined && !/^[\x21-\x7e]{3,128}$/.test(value)) {
      throw new S3ServerStartError(`${option} must be 3 to 128 printable characters without spaces`);
    }
  }
  for (const bucket of options.buckets ?? []) {
    const problem = bucketNameProblem(bucket);
    if (problem) throw new S3ServerStartError(`bucket '${bucket}' is not a valid S3 bucket name: it ${problem}`);
  }
}

/** The child's environment: ours, minus anything versitygw would read as configuration. */
function serverEnv(accessKey: string, secretKey: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('VGW_') && !name.startsWith('ROOT_')) env[name] = value;
  }
  // Credentials travel in the environment, not argv, so they do not show up in `ps`.
  env.ROOT_ACCESS_KEY_ID = accessKey;
  env.ROOT_SECRET_ACCESS_KEY = secretKey;
  return env;
}

function spawnServer(binary: string, port: number, rootDir: string, versionsDir: string | undefined, env: NodeJS.ProcessEnv, ownProcessGroup: boolean): ServerProcess {
  const args = [
    '--port', `${S3_SERVER_HOST}:${port}`,
    '--region', S3_SERVER_REGION,
    '--health', HEALTH_PATH,
    '--quiet',
    'posix',
    // State and snapshots live here: only the owner reads them (the server sets these modes itself, whatever the umask).
    '--dir-perms', '0700',
    '--file-perms', '0600',
    ...(versionsDir ? ['--versioning-dir', versionsDir] : []),
    rootDir,
  ];
  return spawnServerProcess(binary, args, env, { ownProcessGroup });
}

/** `HTTP 403 AccessDenied: <message>` for an S3 error reply, the plain message otherwise (e.g. a refused connection). */
function describeS3Error(error: unknown): string {
  if (error instanceof awsS3().S3ServiceException) return `HTTP ${error.$metadata.httpStatusCode ?? '?'} ${error.name}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function createBuckets(server: S3Connection, buckets: readonly string[], versioned: boolean): Promise<void> {
  if (buckets.length === 0) return;
  const s3 = s3ClientFor(server);
  try {
    for (const Bucket of buckets) {
      try {
        await s3.send(new (awsS3().CreateBucketCommand)({ Bucket }));
      } catch (error) {
        // A data dir reused across restarts already holds its buckets, owned by the root key of the
        // run that made them (BucketAlreadyExists when the key changed); the root user may use them all.
        const existed = error instanceof awsS3().S3ServiceException && (error.name === 'BucketAlreadyOwnedByYou' || error.name === 'BucketAlreadyExists');
        if (!existed) throw new S3ServerStartError(`creating bucket '${Bucket}' failed: ${describeS3Error(error)}`);
      }
      if (!versioned) continue;
      try {
        await s3.send(new (awsS3().PutBucketVersioningCommand)({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
      } catch (error) {
        throw new S3ServerStartError(`turning on versioning for bucket '${Bucket}' failed: ${describeS3Error(error)}`);
      }
    }
  } finally {
    s3.destroy();
  }
}

/**
 * Starts the local S3 server (versitygw, posix backend) on 127.0.0.1, waits until it answers,
 * and creates the requested buckets through the S3 API (a posix-backend bucket is a top-level
 * directory, but it only works once the gateway has stored its ACL in an extended attribute,
 * so the directories are not made by hand).
 */
export async function startS3Server(options: StartS3ServerOptions): Promise<RunningS3Server> {
  validateS3ServerOptions(options);
  if (!existsSync(options.binary)) {
    throw new S3ServerStartError(
      `the S3 server binary ${options.binary} does not exist: build it with 'npx tsx tools/engine/bin/s3-server.mts build'`,
    );
  }
  const versioned = options.versioned ?? true;
  const accessKey = options.accessKey ?? randomBytes(10).toString('hex').toUpperCase();
  const secretKey = options.secretKey ?? randomBytes(30).toString('base64url');
  const buckets = [...new Set(options.buckets ?? [])];
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const graceMs = options.stopGraceMs ?? 5_000;

  const tempDataDir = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'versitygw-')) : undefined;
  const dataDir = tempDataDir ?? resolve(options.dataDir!);
  const rootDir = join(dataDir, ROOT_SUBDIR);
  const versionsDir = versioned ? join(dataDir, VERSIONS_SUBDIR) : undefined;
  const removeTempDataDir = () => {
    if (tempDataDir) rmSync(tempDataDir, { recursive: true, force: true });
  };

  try {
    mkdirSync(rootDir, { recursive: true, mode: 0o700 });
    if (versionsDir) mkdirSync(versionsDir, { recursive: true, mode: 0o700 });
  } catch (error) {
    removeTempDataDir();
    throw new S3ServerStartError(`cannot prepare the data dir ${dataDir}: ${(error as Error).message}`);
  }

  // A data dir given by the caller is held by one server at a time (two would corrupt it).
  const releaseDataDir = tempDataDir ? () => {} : await claimDataDir(dataDir, options.stopGraceMs ?? 5_000, { server: 'S3 server', error: (message) => new S3ServerStartError(message) });
  const env = serverEnv(accessKey, secretKey);
  const pickPort = !options.port;

  for (let attempt = 1; ; attempt++) {
    const port = pickPort ? await pickFreePort(S3_SERVER_HOST) : options.port!;
    const endpoint = `http://${S3_SERVER_HOST}:${port}`;
    const spawned = spawnServer(options.binary, port, rootDir, versionsDir, env, options.ownProcessGroup === true);
    const forget = killOnExit(spawned.child, tempDataDir);
    const giveUp = async (message: string): Promise<never> => {
      await terminate(spawned, graceMs);
      forget();
      removeTempDataDir();
      releaseDataDir();
      throw new S3ServerStartError(`${message}\nlast output of the server:\n${spawned.output.text([secretKey])}`);
    };

    const outcome = await waitUntilHealthy(`${endpoint}${HEALTH_PATH}`, spawned, readyTimeoutMs);
    if (outcome === 'timeout') {
      return giveUp(`the S3 server on ${S3_SERVER_HOST}:${port} did not answer within ${readyTimeoutMs} ms`);
    }
    if (outcome !== 'ready') {
      const inUse = /address already in use/i.test(spawned.output.text([]));
      if (inUse && pickPort && attempt < PORT_ATTEMPTS) {
        forget();
        continue;
      }
      const hint = /xattr/i.test(spawned.output.text([]))
        ? ` (the data dir ${dataDir} must be on a filesystem with user extended attributes)`
        : inUse
          ? ` (${S3_SERVER_HOST}:${port} is already in use)`
          : '';
      return giveUp(`the S3 server on ${S3_SERVER_HOST}:${port} ${describeExit(outcome)} before it was ready${hint}`);
    }

    let stopping: Promise<void> | undefined;
    recordServerPid(dataDir, spawned.child.pid!);
    const server: RunningS3Server = {
      endpoint,
      port,
      accessKey,
      secretKey,
      region: S3_SERVER_REGION,
      dataDir,
      pid: spawned.child.pid!,
      buckets,
      exited: spawned.exited,
      outputTail: () => spawned.output.text([secretKey]),
      stop: () =>
        (stopping ??= (async () => {
          await terminate(spawned, graceMs);
          forget();
          removeTempDataDir();
          releaseDataDir();
        })()),
    };
    try {
      await createBuckets(server, buckets, versioned);
    } catch (error) {
      return giveUp((error as Error).message);
    }
    return server;
  }
}

