import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findWorkspaceRoot, loadEnvironment, type EnvironmentConfig } from '@platform/config';
import { DRILL_RUN_SUFFIX_VARIABLE, isDrillRunSuffix } from '@platform/core/names';
import {
  BACKEND_CONFIG_FILE,
  EngineError,
  EngineRunner,
  isChecksumMismatch,
  prepareWorkdir,
  readPinnedVersions,
  setupEngine,
  type RuntimeGcsStateStore,
  type RuntimeStateStore,
} from '@platform/engine';
import { committedLockFilePath, readCommittedLockFile, requiredProviders } from './provider-locks';
import type { ReleasedStack } from './released-stack';
import { ExternalError, synthOutputDir, UsageError } from '@platform/workspace';

/**
 * Where the engine works on one stack in one environment (plans, lock file, .terraform).
 * Validation gets its own folder: `init -backend=false` in a folder initialised with a
 * backend would still load state through that backend.
 */
export function engineWorkdir(stack: string, environment: string, purpose: EnginePurpose = 'deploy'): string {
  return purpose === 'deploy' ? `dist/engine/${stack}/${environment}` : `dist/engine-${purpose}/${stack}/${environment}`;
}

/**
 * `deploy`: the configured backend. `validate`: no backend. `offline`: a plan from zero with a
 * local empty state in place of the configured backend and placeholder credentials, so that it
 * needs neither credentials nor network; its folder is apart, so it never touches real state.
 */
export type EnginePurpose = 'deploy' | 'validate' | 'offline';

/** The local state of an offline plan, inside its own working directory; removed before each plan. */
export const OFFLINE_STATE_FILE = 'offline.tfstate';

/**
 * A local port where nothing listens: every HTTP(S) request of an offline plan goes there through
 * the proxy variables and is refused at once. So no connection leaves the machine, and the google
 * provider's one question at start-up (whose credentials these are; it retries a network that
 * drops packets for five minutes) fails at once instead.
 */
export const OFFLINE_PROXY = 'http://127.0.0.1:9';

/** The drill run suffix an offline plan names drill resources with: it creates nothing. */
export const OFFLINE_DRILL_RUN_SUFFIX = '000000';

/** Where a command run by hand in a drill environment takes the run suffix from (a drill passes its own). */
export const DRILL_RUN_SUFFIX_ENV = 'PLATFORM_DRILL_RUN_SUFFIX';

/**
 * The TF_VAR_drill_run_suffix a configuration needs: none unless it declares the variable (only
 * drill environments do); else the drill's own suffix, or PLATFORM_DRILL_RUN_SUFFIX for a command
 * run by hand. Refused when neither names one, before the engine asks for it.
 */
export function drillRunSuffixEnv(
  json: string,
  where: { readonly stack: string; readonly environment: string },
  suffix: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const declared = (JSON.parse(json) as { variable?: Record<string, unknown> }).variable ?? {};
  if (!(DRILL_RUN_SUFFIX_VARIABLE in declared)) return {};
  const value = suffix ?? env[DRILL_RUN_SUFFIX_ENV]?.trim();
  if (!value) {
    throw new UsageError(
      `stack '${where.stack}' names resources that cannot be reused after deletion after the drill run in environment '${where.environment}': ` +
        `run it through 'npm run drill', or set ${DRILL_RUN_SUFFIX_ENV} to the run's name suffix (six hex digits, 'nameSuffix' in its report)`,
    );
  }
  if (!isDrillRunSuffix(value)) {
    throw new UsageError(`${suffix === undefined ? DRILL_RUN_SUFFIX_ENV : 'the drill run suffix'} must be six hex digits (a drill report's 'nameSuffix'), got '${value}'`);
  }
  return { [`TF_VAR_${DRILL_RUN_SUFFIX_VARIABLE}`]: value };
}

/**
 * What an offline plan runs the engine with: credentials the google provider accepts without
 * looking anything up (with no refresh and no state it calls no API during a plan; never valid
 * anywhere), all traffic to a refusing local proxy, and a run-time state endpoint that nothing
 * reads once the backend is local. Providers come from the filesystem mirror, not the network.
 */
export const OFFLINE_ENGINE_ENV: Readonly<Record<string, string>> = {
  GOOGLE_OAUTH_ACCESS_TOKEN: 'offline-plan-placeholder-token',
  HTTPS_PROXY: OFFLINE_PROXY,
  HTTP_PROXY: OFFLINE_PROXY,
  NO_PROXY: '',
  TF_VAR_state_endpoint: `${OFFLINE_PROXY}/offline-plan-reads-no-state`,
  // An offline plan of a drill environment creates nothing, so its names need no run of their own.
  [`TF_VAR_${DRILL_RUN_SUFFIX_VARIABLE}`]: OFFLINE_DRILL_RUN_SUFFIX,
};

/** The configuration of an offline plan from zero: the backend replaced by a local state file. */
export function offlineConfiguration(json: string): string {
  const parsed = JSON.parse(json) as { terraform?: Record<string, unknown> };
  return JSON.stringify({ ...parsed, terraform: { ...parsed.terraform, backend: { local: { path: OFFLINE_STATE_FILE } } } }, null, 2);
}

export const PLAN_FILE = 'tfplan';
export const PLAN_JSON_FILE = 'plan.json';

/** The runtime S3 endpoint and credentials, from the environment variables a caller sets. */
export function runtimeStoreFromEnv(environment: EnvironmentConfig, env: NodeJS.ProcessEnv = process.env): RuntimeStateStore | undefined {
  if (environment.state.backend !== 's3' || environment.state.endpoint !== 'runtime') return undefined;
  const endpoint = env.PLATFORM_STATE_ENDPOINT;
  const accessKey = env.AWS_ACCESS_KEY_ID;
  const secretKey = env.AWS_SECRET_ACCESS_KEY;
  if (!endpoint || !accessKey || !secretKey) {
    throw new UsageError(
      `environment '${environment.name}' keeps state at an endpoint known only at run time ` +
        `(environments/${environment.name}/environment.yaml: state.endpoint is 'runtime'): set PLATFORM_STATE_ENDPOINT, ` +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (tools/engine/bin/s3-server.mts start prints them)',
    );
  }
  return { endpoint, accessKey, secretKey };
}

/** Stands in for an access token where the endpoint is an emulator on this machine, which checks none. */
export const EMULATOR_ACCESS_TOKEN = 'emulator-placeholder-token';

/**
 * The Cloud Storage endpoint of a gcs environment whose `state.endpoint` is `runtime`, from
 * PLATFORM_STATE_ENDPOINT (`http://127.0.0.1:<port>/storage/v1/` for the emulator). An emulator
 * on 127.0.0.1 gets a placeholder token; elsewhere GOOGLE_OAUTH_ACCESS_TOKEN, else Application
 * Default Credentials.
 */
export function runtimeGcsStoreFromEnv(environment: EnvironmentConfig, env: NodeJS.ProcessEnv = process.env): RuntimeGcsStateStore | undefined {
  if (environment.state.backend !== 'gcs' || environment.state.endpoint !== 'runtime') return undefined;
  const endpoint = env.PLATFORM_STATE_ENDPOINT?.trim();
  const where = `environments/${environment.name}/environment.yaml: state.endpoint is 'runtime'`;
  if (!endpoint) {
    throw new UsageError(
      `environment '${environment.name}' keeps state in Cloud Storage at an endpoint known only at run time (${where}): ` +
        "set PLATFORM_STATE_ENDPOINT to its JSON API endpoint, e.g. 'http://127.0.0.1:<port>/storage/v1/' (tools/engine/bin/gcs-server.mts start prints it)",
    );
  }
  if (!/^https?:\/\/[^/\s]+(\/[^\s]*)?\/storage\/v1\/$/.test(endpoint)) {
    throw new UsageError(`PLATFORM_STATE_ENDPOINT must be a Cloud Storage JSON API endpoint ending in '/storage/v1/' for environment '${environment.name}' (${where}), got '${endpoint}'`);
  }
  const loopback = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\//.test(endpoint);
  if (endpoint.startsWith('http:') && !loopback) {
    throw new UsageError(`PLATFORM_STATE_ENDPOINT '${endpoint}' is plain http on another machine: state and credentials would cross the network unencrypted; use https`);
  }
  const token = env.GOOGLE_OAUTH_ACCESS_TOKEN?.trim() || (loopback ? EMULATOR_ACCESS_TOKEN : undefined);
  return { kind: 'gcs', endpoint, ...(token ? { accessToken: token } : {}) };
}

export interface StackEngineOptions {
  readonly workspaceRoot: string;
  readonly stack: string;
  readonly environment: string;
  /** Backend init; false for validation. */
  readonly backend: boolean;
  /** An offline plan from zero (see `EnginePurpose`); needs `backend: true`. */
  readonly offline?: boolean;
  readonly log: (line: string) => void;
  /** Rewrites the configuration before the engine sees it (plan from zero). */
  readonly transform?: (json: string) => string;
  /**
   * A released version to run instead of dist/stacks: its artifact's bytes, and its provider lock
   * file, with which init refuses providers that do not match.
   */
  readonly release?: ReleasedStack;
  /**
   * The suffix of the drill run deploying or tearing down (names that cannot be reused end with it).
   * @default - PLATFORM_DRILL_RUN_SUFFIX where the configuration needs one
   */
  readonly drillRunSuffix?: string;
}

/**
 * An engine runner for one synthesized stack in one environment: reads the synth output,
 * checks every provider it needs is in the mirror, lays out the working directory and runs
 * init.
 */
export async function openStackEngine(options: StackEngineOptions): Promise<{ runner: EngineRunner; environment: EnvironmentConfig }> {
  const { workspaceRoot, stack } = options;
  const environment = loadEnvironment(workspaceRoot, options.environment);
  const synthesized = join(workspaceRoot, synthOutputDir(stack), environment.name, 'cdk.tf.json');
  if (options.release === undefined && !existsSync(synthesized)) {
    throw new UsageError(`${synthOutputDir(stack)}/${environment.name}/cdk.tf.json does not exist: run 'npx nx run ${stack}:synth' first`);
  }
  const synthesizedJson = options.release?.configuration ?? readFileSync(synthesized, 'utf8');
  const transformed = options.transform ? options.transform(synthesizedJson) : synthesizedJson;
  const json = options.offline ? offlineConfiguration(transformed) : transformed;
  // The estate (stacks/, environments/) may be a fixture inside the repository; the pinned
  // versions always come from the repository itself.
  const repository = findWorkspaceRoot(workspaceRoot);
  const versions = readPinnedVersions(repository);
  const needed = requiredProviders(json);
  for (const source of needed) {
    const pinned = versions.providers[source];
    if (!pinned) throw new UsageError(`stack '${stack}' needs provider ${source}, which tools/engine/versions.json does not pin`);
  }
  const setup = await setupEngine({ workspaceRoot: repository, log: options.log, providers: needed });
  const missing = setup.providers.filter((p) => p.state === 'unavailable');
  if (missing.length > 0) {
    throw new ExternalError(
      `stack '${stack}' needs ${missing.map((p) => `${p.source} ${p.version}`).join(', ')}, which could not be installed: ` +
        `${missing[0]!.reason?.split('\n')[0]} (see docs/engine.md)`,
    );
  }
  const store = options.backend && !options.offline ? (runtimeStoreFromEnv(environment) ?? runtimeGcsStoreFromEnv(environment)) : undefined;
  const purpose: EnginePurpose = options.offline ? 'offline' : options.backend ? 'deploy' : 'validate';
  const workdir = join(workspaceRoot, engineWorkdir(stack, environment.name, purpose));
  if (options.offline) rmSync(join(workdir, OFFLINE_STATE_FILE), { force: true });
  // The lock files hold OpenTofu's registry addresses; Terraform, the alternative engine, records its own.
  const lockFile =
    setup.engine.kind !== 'opentofu' ? undefined : options.release ? options.release.lockFile : readCommittedLockFile(workspaceRoot, stack, needed);
  const lockOrigin = options.release ? `the lock file of ${stack} ${options.release.version}` : committedLockFilePath(workspaceRoot, stack);
  // Validation needs no variable values; an offline plan gets a placeholder (OFFLINE_ENGINE_ENV).
  const suffix = purpose === 'deploy' ? drillRunSuffixEnv(json, { stack, environment: environment.name }, options.drillRunSuffix) : {};
  const env = { ...prepareWorkdir(workdir, json, store, lockFile), ...suffix, ...(options.offline ? OFFLINE_ENGINE_ENV : {}) };
  const runner = new EngineRunner({ engine: setup.engine, cliConfigFile: setup.cliConfigFile, env }, workdir);
  try {
    await runner.init({
      backend: options.backend,
      ...(store && store.kind !== 'gcs' ? { backendConfigFile: BACKEND_CONFIG_FILE } : {}),
      ...(lockFile !== undefined ? { lockfileReadonly: true } : {}),
    });
  } catch (error) {
    if (error instanceof EngineError && lockFile !== undefined && isChecksumMismatch(error.message)) {
      throw new ExternalError(
        `${lockOrigin}: a provider from the ${setup.providerSource.source === 'registry' ? 'registry' : 'source-built mirror'} matches none of its hashes, so init refused it ` +
          `(${error.message}). If you trust where it came from, ${options.release ? 'package a new version' : `run 'npm run lock-providers -- ${stack}'`} where that source is used, review and commit.`,
        { cause: error },
      );
    }
    throw error;
  }
  return { runner, environment };
}

/** Saves the engine's JSON rendering of a saved plan next to the plan file and returns both. */
export async function savePlanJson(
  runner: EngineRunner,
  planFile = PLAN_FILE,
  jsonFile = PLAN_JSON_FILE,
): Promise<{ path: string; rendering: Record<string, unknown> }> {
  const rendering = await runner.showPlan(planFile);
  const path = join(runner.workdir, jsonFile);
  writeFileSync(path, `${JSON.stringify(rendering, null, 2)}\n`);
  return { path, rendering };
}
