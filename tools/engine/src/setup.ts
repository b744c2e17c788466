import { performance } from 'node:perf_hooks';
import { ensureEngine, type Engine } from './opentofu';
import { ensureProviders, writeCliConfig, type ProviderStatus } from './providers';
import { ensureS3Server, type S3ServerBinary } from './s3-server';
import { ensureGcsServer, type GcsServerBinary } from './gcs-server';
import { readPinnedVersions } from './versions';

export interface SetupResult {
  readonly engine: Engine;
  readonly providers: readonly ProviderStatus[];
  /** The local S3 server for S3-backed environments and the artifact store. */
  /** Only when requested (`withS3Server`). */
  readonly s3Server?: S3ServerBinary;
  /** The GCS emulator, only when requested (`withGcsServer`). */
  readonly gcsServer?: GcsServerBinary;
  /** TF_CLI_CONFIG_FILE to pass to every engine run. */
  readonly cliConfigFile: string;
  readonly seconds: number;
}

export interface SetupOptions {
  readonly workspaceRoot: string;
  readonly log: (line: string) => void;
  readonly engine?: 'opentofu' | 'terraform';
  /** Provider sources to install; every pinned provider when omitted. */
  readonly providers?: readonly string[];
  /** Also make the local S3 server available (the setup command); engine runs do not need it. */
  readonly withS3Server?: boolean;
  /** Also make the GCS emulator available (the integration tests). */
  readonly withGcsServer?: boolean;
}

/** Makes the engine, the providers and the S3 server available; reuses the cache, builds what is missing. */
export async function setupEngine(options: SetupOptions): Promise<SetupResult> {
  const started = performance.now();
  const versions = readPinnedVersions(options.workspaceRoot);
  const engine = await ensureEngine({ versions, log: options.log, ...(options.engine ? { engine: options.engine } : {}) });
  const providers = await ensureProviders({ versions, log: options.log, ...(options.providers ? { only: options.providers } : {}) });
  const s3Server = options.withS3Server ? await ensureS3Server({ versions, log: options.log }) : undefined;
  const gcsServer = options.withGcsServer ? await ensureGcsServer({ versions, log: options.log }) : undefined;
  const cliConfigFile = writeCliConfig();
  return { engine, providers, ...(s3Server ? { s3Server } : {}), ...(gcsServer ? { gcsServer } : {}), cliConfigFile, seconds: (performance.now() - started) / 1000 };
}

/**
 * The providers the tests deploy with: the fixture estate's, which work offline. The google
 * provider is never built for tests (the module proxy does not serve it; docs/engine.md).
 */
export const TEST_PROVIDERS = ['hashicorp/local', 'hashicorp/random', 'hashicorp/time'] as const;

/** What the integration tests need, set up once per test run: the engine, the test providers, the S3 server. */
export function setupForTests(workspaceRoot: string, log: (line: string) => void): Promise<SetupResult> {
  return setupEngine({ workspaceRoot, log, providers: TEST_PROVIDERS, withS3Server: true, withGcsServer: true });
}
