import { performance } from 'node:perf_hooks';
import { ensureEngine, type Engine } from './opentofu';
import { chooseProviderSource, type ProviderSourceChoice, type ProviderSourceRequest } from './provider-source';
import { ensureProviders, writeCliConfig, type ProviderStatus } from './providers';
import { ensureActionlint, type ActionlintBinary } from './actionlint';
import { ensureGcsServer, type GcsServerBinary } from './gcs-server';
import { ensureS3Server, type S3ServerBinary } from './s3-server';
import { readPinnedVersions } from './versions';

/** One program of the set-up: where it came from and why, for the report and `--json`. */
export interface ProgramReport {
  readonly program: string;
  readonly version: string;
  readonly source: 'path' | 'cache' | 'built' | 'registry' | 'mirror' | 'unavailable';
  readonly reason: string;
}

export interface SetupResult {
  readonly engine: Engine;
  readonly providers: readonly ProviderStatus[];
  /** Where `tofu init` installs providers from, and why. */
  readonly providerSource: ProviderSourceChoice;
  /** The local S3 server for S3-backed environments and the artifact store, when requested (`withS3Server`). */
  readonly s3Server?: S3ServerBinary;
  /** The GCS emulator, when requested (`withGcsServer`). */
  readonly gcsServer?: GcsServerBinary;
  /** The workflow linter, when requested (`withActionlint`). */
  readonly actionlint?: ActionlintBinary;
  /** TF_CLI_CONFIG_FILE to pass to every engine run. */
  readonly cliConfigFile: string;
  /** Per program: where it came from and why. */
  readonly report: readonly ProgramReport[];
  readonly seconds: number;
}

export interface SetupOptions {
  readonly workspaceRoot: string;
  readonly log: (line: string) => void;
  readonly engine?: 'opentofu' | 'terraform';
  /** Provider sources to install; every pinned provider when omitted. */
  readonly providers?: readonly string[];
  /** Registry, source-built mirror, or auto (a probe); PLATFORM_PROVIDERS, else auto, when omitted. */
  readonly providerSource?: ProviderSourceRequest;
  /** Also make the local S3 server available (the setup command); engine runs do not need it. */
  readonly withS3Server?: boolean;
  /** Also make the GCS emulator available (the integration tests). */
  readonly withGcsServer?: boolean;
  /** Also make the workflow linter available (the integration tests). */
  readonly withActionlint?: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

const ENGINE_REASONS: Record<Engine['source'], string> = {
  path: 'the pinned version is on PATH',
  cache: 'not on PATH at the pinned version; built earlier into the cache',
  built: 'not on PATH at the pinned version and not cached: built from Go source now',
};

/** Makes the engine, the providers and (on request) the S3 server and the GCS emulator available; reuses the cache, builds what is missing. */
export async function setupEngine(options: SetupOptions): Promise<SetupResult> {
  const started = performance.now();
  const env = options.env ?? process.env;
  const versions = readPinnedVersions(options.workspaceRoot);
  const engine = await ensureEngine({ versions, log: options.log, env, ...(options.engine ? { engine: options.engine } : {}) });
  const providerSource = await chooseProviderSource({ env, ...(options.providerSource ? { request: options.providerSource } : {}) });
  const providers = await ensureProviders({ versions, log: options.log, env, source: providerSource, ...(options.providers ? { only: options.providers } : {}) });
  const s3Server = options.withS3Server ? await ensureS3Server({ versions, log: options.log, env }) : undefined;
  const gcsServer = options.withGcsServer ? await ensureGcsServer({ versions, log: options.log, env }) : undefined;
  const actionlint = options.withActionlint ? await ensureActionlint({ versions, log: options.log, env }) : undefined;
  const cliConfigFile = writeCliConfig(providerSource, env);
  const report: ProgramReport[] = [
    { program: engine.kind === 'opentofu' ? 'OpenTofu' : 'Terraform', version: engine.version, source: engine.source, reason: ENGINE_REASONS[engine.source] },
    ...providers.map((p): ProgramReport => ({
      program: p.source,
      version: p.version,
      source: p.state === 'registry' ? 'registry' : p.state === 'unavailable' ? 'unavailable' : 'mirror',
      reason: p.state === 'unavailable' ? (p.reason ?? 'unavailable').split('\n')[0]! : `${p.state === 'built' ? 'built from Go source into the mirror now' : p.state === 'cached' ? 'in the source-built mirror' : 'fetched by tofu init, checked against the committed lock file'}; provider source: ${providerSource.source}, ${providerSource.reason}`,
    })),
    ...(s3Server
      ? [{ program: versions.s3Server.name, version: s3Server.version, source: s3Server.source, reason: s3Server.source === 'cache' ? 'built earlier into the cache' : 'not cached: built from Go source now' } satisfies ProgramReport]
      : []),
    ...(gcsServer
      ? [{ program: versions.gcsServer.name, version: gcsServer.version, source: gcsServer.source, reason: gcsServer.source === 'cache' ? 'built earlier into the cache' : 'not cached: built from Go source now' } satisfies ProgramReport]
      : []),
    ...(actionlint
      ? [{ program: 'actionlint', version: actionlint.version, source: actionlint.source, reason: actionlint.source === 'cache' ? 'built earlier into the cache' : 'not cached: built from Go source now' } satisfies ProgramReport]
      : []),
  ];
  return {
    engine,
    providers,
    providerSource,
    ...(s3Server ? { s3Server } : {}),
    ...(gcsServer ? { gcsServer } : {}),
    ...(actionlint ? { actionlint } : {}),
    cliConfigFile,
    report,
    seconds: (performance.now() - started) / 1000,
  };
}

/**
 * The providers the tests run: the fixture estate's, which deploy offline, and the google
 * provider the GCP estate is validated and planned from zero with. All are set up once, in the
 * global set-up, so that no test file builds one while another runs.
 */
export const TEST_PROVIDERS = ['hashicorp/local', 'hashicorp/random', 'hashicorp/time', 'hashicorp/google'] as const;

/**
 * Test providers a machine may lack without failing the set-up: where the Go module proxy does
 * not serve the google provider, it is reported unavailable and the GCP plan test proves the
 * command says so instead of planning (docs/engine.md).
 */
export const OPTIONAL_TEST_PROVIDERS: readonly string[] = ['hashicorp/google'];

/** What the integration tests need, set up once per test run: the engine, the test providers, the S3 server, the GCS emulator. */
export function setupForTests(workspaceRoot: string, log: (line: string) => void): Promise<SetupResult> {
  return setupEngine({ workspaceRoot, log, providers: TEST_PROVIDERS, withS3Server: true, withGcsServer: true, withActionlint: true });
}
