import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { claimDataDir, recordServerPid } from '../data-dir-lock';
import { pickFreePort } from '../s3-server/free-port';
import { describeExit, killOnExit, spawnServerProcess, terminate, waitUntilHealthy, type ServerExit, type ServerProcess } from '../server-process';
import { ExternalError, UsageError } from '@platform/workspace';

/** The only address the emulator ever listens on. */
export const GCS_SERVER_HOST = '127.0.0.1';
/** Unauthenticated readiness path of fake-gcs-server. */
const HEALTH_PATH = '/_internal/healthcheck';
/** The project buckets are created in; the emulator keeps no projects, any name does. */
const PROJECT = 'local-emulator';
const PORT_ATTEMPTS = 3;

/**
 * Where the emulator keeps objects.
 * - `memory` (the default, what the store tests use): objects live in the process and vanish
 *   with it. Its namespace is flat, as in GCS: `a` and `a/b` can both be objects.
 * - `filesystem`: objects are files under the data dir, so they survive a restart of the server
 *   (what a test of a lock left by a killed process needs). Object names map to paths, so unlike
 *   GCS an object `a` and an object `a/b` cannot both exist (the second write fails with HTTP 500
 *   "not a directory").
 */
export type GcsServerBackend = 'memory' | 'filesystem';

export interface StartGcsServerOptions {
  /** The fake-gcs-server binary, e.g. from `ensureGcsServer()`. */
  readonly binary: string;
  /** @default 'memory' */
  readonly backend?: GcsServerBackend;
  /**
   * For the `filesystem` backend: where buckets and objects live. Kept on stop.
   * @default - a new temporary directory, removed on stop
   */
  readonly dataDir?: string;
  /**
   * The server listens on this loopback address only; nothing else is accepted.
   * @default '127.0.0.1'
   */
  readonly host?: typeof GCS_SERVER_HOST;
  /** @default 0 - a free port on 127.0.0.1 */
  readonly port?: number;
  /** Buckets that exist once the server is ready (existing ones are kept). @default [] */
  readonly buckets?: readonly string[];
  /** How long to wait for the server to answer before giving up. @default 20_000 */
  readonly readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. @default 5_000 */
  readonly stopGraceMs?: number;
}

/** How the emulator process ended. */
export type GcsServerExit = ServerExit;

export interface RunningGcsServer {
  /**
   * `http://127.0.0.1:<port>`: the `apiEndpoint` of `@google-cloud/storage` (and the value of
   * `STORAGE_EMULATOR_HOST` for clients that read it as a host).
   */
  readonly endpoint: string;
  /** `http://127.0.0.1:<port>/storage/v1/`: the JSON API root, e.g. the gcs backend's `storage_custom_endpoint`. */
  readonly jsonApiUrl: string;
  readonly port: number;
  readonly backend: GcsServerBackend;
  /** The filesystem backend's data dir; undefined for the memory backend. */
  readonly dataDir: string | undefined;
  readonly pid: number;
  /** The buckets created (or found) at start. */
  readonly buckets: readonly string[];
  /** Settles when the server process ends, whether by stop() or not. */
  readonly exited: Promise<GcsServerExit>;
  /** The server's last output lines (stdout and stderr), for error messages. */
  outputTail(): string;
  /** SIGTERM, SIGKILL after the grace period, wait for the exit; removes a temporary data dir. Idempotent. */
  stop(): Promise<void>;
}

export class GcsServerStartError extends ExternalError {
  override readonly name = 'GcsServerStartError';
}

/** GCS bucket naming rules (without dots: those need domain verification in GCS). */
export function gcsBucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3 to 63 characters long';
  if (!/^[a-z0-9][a-z0-9_-]*[a-z0-9]$/.test(name)) {
    return 'must use only lowercase letters, digits, hyphens and underscores, and start and end with a letter or digit';
  }
  if (name.startsWith('goog')) return "must not start with 'goog'";
  return undefined;
}

/** Checks the options that need no binary; startGcsServer() runs it first, scripts may call it before a long build. */
export function validateGcsServerOptions(options: Omit<StartGcsServerOptions, 'binary'>): void {
  const host: string = options.host ?? GCS_SERVER_HOST;
  if (host !== GCS_SERVER_HOST) {
    throw new UsageError(`host '${host}' is not allowed: the GCS emulator listens on ${GCS_SERVER_HOST} only`);
  }
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`port ${String(options.port)} is not a TCP port: use 1-65535, or 0 for a free one`);
  }
  const backend: string = options.backend ?? 'memory';
  if (backend !== 'memory' && backend !== 'filesystem') {
    throw new UsageError(`backend '${backend}' is not one of 'memory' or 'filesystem'`);
  }
  if (options.dataDir !== undefined && backend !== 'filesystem') {
    throw new UsageError(`a data dir (${options.dataDir}) needs the 'filesystem' backend: the 'memory' backend keeps nothing on disk`);
  }
  for (const bucket of options.buckets ?? []) {
    const problem = gcsBucketNameProblem(bucket);
    if (problem) throw new UsageError(`bucket '${bucket}' is not a valid GCS bucket name: it ${problem}`);
  }
}

/** The child's environment: ours, minus the FAKE_GCS_* variables fake-gcs-server reads as configuration. */
function serverEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('FAKE_GCS_')));
}

function spawnServer(binary: string, port: number, backend: GcsServerBackend, dataDir: string | undefined): ServerProcess {
  const address = `${GCS_SERVER_HOST}:${port}`;
  const args = [
    '-scheme', 'http',
    '-host', GCS_SERVER_HOST,
    '-port', String(port),
    // URLs the server hands out (media links, the Location of a resumable upload) point back here,
    // not at storage.googleapis.com or 0.0.0.0.
    '-public-host', address,
    '-external-url', `http://${address}`,
    '-backend', backend,
    ...(dataDir ? ['-filesystem-root', dataDir] : []),
    '-log-level', 'warn',
  ];
  return spawnServerProcess(binary, args, serverEnv());
}

/** Creates the buckets through the JSON API; one that exists already (a reused data dir) is kept. */
async function createBuckets(endpoint: string, buckets: readonly string[]): Promise<void> {
  for (const name of buckets) {
    let response: Response;
    try {
      response = await fetch(`${endpoint}/storage/v1/b?project=${PROJECT}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new GcsServerStartError(`creating bucket '${name}' failed: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok && response.status !== 409) {
      throw new GcsServerStartError(`creating bucket '${name}' failed: HTTP ${response.status} ${text.trim()}`);
    }
  }
}

/**
 * Starts the GCS emulator (fake-gcs-server) on 127.0.0.1 over plain HTTP, waits until it
 * answers, and creates the requested buckets through the JSON API.
 */
export async function startGcsServer(options: StartGcsServerOptions): Promise<RunningGcsServer> {
  validateGcsServerOptions(options);
  if (!existsSync(options.binary)) {
    throw new GcsServerStartError(
      `the GCS emulator binary ${options.binary} does not exist: build it with 'npx tsx tools/engine/bin/gcs-server.mts build'`,
    );
  }
  const backend = options.backend ?? 'memory';
  const buckets = [...new Set(options.buckets ?? [])];
  const readyTimeoutMs = options.readyTimeoutMs ?? 20_000;
  const graceMs = options.stopGraceMs ?? 5_000;

  const tempDataDir = backend === 'filesystem' && options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'fake-gcs-server-')) : undefined;
  const dataDir = backend === 'filesystem' ? (tempDataDir ?? resolve(options.dataDir!)) : undefined;
  const removeTempDataDir = () => {
    if (tempDataDir) rmSync(tempDataDir, { recursive: true, force: true });
  };
  if (dataDir) {
    try {
      mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    } catch (error) {
      removeTempDataDir();
      throw new GcsServerStartError(`cannot prepare the data dir ${dataDir}: ${(error as Error).message}`);
    }
  }

  // A data dir given by the caller is held by one emulator at a time (two would corrupt it).
  const releaseDataDir =
    dataDir && !tempDataDir ? await claimDataDir(dataDir, graceMs, { server: 'GCS emulator', error: (message) => new GcsServerStartError(message) }) : () => {};
  const pickPort = !options.port;

  for (let attempt = 1; ; attempt++) {
    const port = pickPort ? await pickFreePort(GCS_SERVER_HOST) : options.port!;
    const endpoint = `http://${GCS_SERVER_HOST}:${port}`;
    const spawned = spawnServer(options.binary, port, backend, dataDir);
    const forget = killOnExit(spawned.child, tempDataDir);
    const giveUp = async (message: string): Promise<never> => {
      await terminate(spawned, graceMs);
      forget();
      removeTempDataDir();
      releaseDataDir();
      throw new GcsServerStartError(`${message}\nlast output of the server:\n${spawned.output.text()}`);
    };

    const outcome = await waitUntilHealthy(`${endpoint}${HEALTH_PATH}`, spawned, readyTimeoutMs);
    if (outcome === 'timeout') {
      return giveUp(`the GCS emulator on ${GCS_SERVER_HOST}:${port} did not answer within ${readyTimeoutMs} ms`);
    }
    if (outcome !== 'ready') {
      const inUse = /address already in use/i.test(spawned.output.text());
      if (inUse && pickPort && attempt < PORT_ATTEMPTS) {
        forget();
        continue;
      }
      return giveUp(`the GCS emulator on ${GCS_SERVER_HOST}:${port} ${describeExit(outcome)} before it was ready${inUse ? ` (${GCS_SERVER_HOST}:${port} is already in use)` : ''}`);
    }

    let stopping: Promise<void> | undefined;
    if (dataDir && !tempDataDir) recordServerPid(dataDir, spawned.child.pid!);
    const server: RunningGcsServer = {
      endpoint,
      jsonApiUrl: `${endpoint}/storage/v1/`,
      port,
      backend,
      dataDir,
      pid: spawned.child.pid!,
      buckets,
      exited: spawned.exited,
      outputTail: () => spawned.output.text(),
      stop: () =>
        (stopping ??= (async () => {
          await terminate(spawned, graceMs);
          forget();
          removeTempDataDir();
          releaseDataDir();
        })()),
    };
    try {
      await createBuckets(endpoint, buckets);
    } catch (error) {
      return giveUp((error as Error).message);
    }
    return server;
  }
}
