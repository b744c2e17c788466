import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { platformCacheDir } from './cache-dir';
import { buildGoProgram, GoToolchainMissingError } from './go-build';
import type { PinnedVersions } from './versions';
import { ExternalError } from '@platform/workspace';

export interface Engine {
  /** `tofu` (or `terraform` when selected). */
  readonly kind: 'opentofu' | 'terraform';
  readonly binary: string;
  readonly version: string;
  /** Where it came from, for the progress line and reports. */
  readonly source: 'path' | 'cache' | 'built';
}

/** Versions reported in this process, by the binary's path and file identity (a replaced file is asked again). */
const reportedVersions = new Map<string, string>();

/**
 * Version an engine binary reports through `version -json`, or undefined if it does not run.
 * Each engine run opens the engine; the same unchanged file is asked once per process.
 */
export async function engineVersion(binary: string): Promise<string | undefined> {
  let identity: string | undefined;
  try {
    const stats = statSync(binary);
    identity = `${binary}\0${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeMs}:${stats.ctimeMs}`;
  } catch {
    identity = undefined;
  }
  const known = identity === undefined ? undefined : reportedVersions.get(identity);
  if (known !== undefined) return known;
  // An empty CLI configuration: a user's broken ~/.terraformrc must not fail the version check.
  const result = await $({ nothrow: true, quiet: true, env: { ...process.env, TF_CLI_CONFIG_FILE: '/dev/null' } })`${binary} version -json`;
  if (result.exitCode !== 0) return undefined;
  let version: string | undefined;
  try {
    version = (JSON.parse(result.stdout) as { terraform_version?: string }).terraform_version;
  } catch {
    return undefined;
  }
  if (version !== undefined && identity !== undefined) reportedVersions.set(identity, version);
  return version;
}

/** Where `command` is on the PATH of `env`. */
export async function which(command: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  const result = await $({ nothrow: true, quiet: true, env })`command -v ${command}`;
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

export function cachedOpenTofuPath(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(platformCacheDir(env), 'opentofu', version, 'tofu');
}

export interface EnsureEngineOptions {
  readonly versions: PinnedVersions;
  readonly log: (line: string) => void;
  /** `terraform` selects a Terraform >= 1.7 from PATH instead of the pinned OpenTofu. */
  readonly engine?: 'opentofu' | 'terraform';
  readonly env?: NodeJS.ProcessEnv;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}

/**
 * Makes the engine available: `tofu` from PATH if it is the pinned version, else the copy
 * built earlier into the cache, else a build with the Go toolchain from the module proxy.
 */
export async function ensureEngine(options: EnsureEngineOptions): Promise<Engine> {
  const { versions, log } = options;
  if (options.engine === 'terraform') {
    const binary = await which('terraform', options.env);
    const version = binary ? await engineVersion(binary) : undefined;
    if (!binary || !version) throw new ExternalError('engine terraform selected, but no working terraform is on PATH');
    if (compareVersions(version, '1.7.0') < 0) throw new ExternalError(`engine terraform selected, but terraform ${version} is older than 1.7`);
    log(`engine: terraform ${version} from PATH (${binary})`);
    return { kind: 'terraform', binary, version, source: 'path' };
  }

  const pinned = versions.opentofu.version;
  const onPath = await which('tofu', options.env);
  const pathVersion = onPath ? await engineVersion(onPath) : undefined;
  if (onPath && pathVersion === pinned) {
    log(`engine: OpenTofu ${pinned} from PATH (${onPath})`);
    return { kind: 'opentofu', binary: onPath, version: pinned, source: 'path' };
  }
  const cached = cachedOpenTofuPath(pinned, options.env);
  if (existsSync(cached) && (await engineVersion(cached)) === pinned) {
    log(`engine: OpenTofu ${pinned} from the cache (${cached})`);
    return { kind: 'opentofu', binary: cached, version: pinned, source: 'cache' };
  }
  log(
    `engine: OpenTofu ${pinned} is ${onPath ? `not the tofu on PATH (${onPath} is ${pathVersion ?? 'unknown'})` : 'not on PATH'} ` +
      'and not cached yet: building it with the Go toolchain (several minutes, once per machine)',
  );
  try {
    const built = await buildGoProgram(versions.opentofu, cached, log, versions.goToolchain);
    const version = await engineVersion(built.binary);
    if (version !== pinned) throw new ExternalError(`the built tofu reports version ${version ?? 'nothing'}, expected ${pinned}`);
    log(`engine: built OpenTofu ${pinned} in ${built.seconds.toFixed(0)} s${built.peakMemoryMiB ? `, peak ${built.peakMemoryMiB} MiB` : ''}`);
    return { kind: 'opentofu', binary: built.binary, version: pinned, source: 'built' };
  } catch (error) {
    if (error instanceof GoToolchainMissingError) {
      throw new ExternalError(
        `OpenTofu ${pinned} is needed: put tofu ${pinned} on PATH, or install the Go toolchain so it can be built (${error.message})`,
      );
    }
    throw error;
  }
}
