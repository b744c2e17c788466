import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { platformCacheDir } from '../cache-dir';
import { buildGoProgram, GoToolchainMissingError } from '../go-build';
import type { PinnedVersions } from '../versions';
import { ExternalError } from '@platform/workspace';

export interface S3ServerBinary {
  readonly binary: string;
  /** The release, e.g. `1.8.0` (without the `v` the binary prints). */
  readonly version: string;
  /** Where it came from, for the progress line and reports. */
  readonly source: 'cache' | 'built';
  /** Build time and peak memory, when it was built in this call. */
  readonly build?: { readonly seconds: number; readonly peakMemoryMiB: number | null };
}

export interface EnsureS3ServerOptions {
  readonly versions: PinnedVersions;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Where the pinned versitygw is cached: `<platform cache>/versitygw/<version>/versitygw`. */
export function cachedS3ServerPath(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(platformCacheDir(env), 'versitygw', version, 'versitygw');
}

/**
 * Version a versitygw binary reports, without the leading `v`, or undefined if it does not run.
 * `versitygw --version` prints `Version  : v1.8.0` (cmd/versitygw/main.go, flag `version`).
 */
export async function s3ServerVersion(binary: string): Promise<string | undefined> {
  const result = await $({ nothrow: true, quiet: true, timeout: '10s' })`${binary} --version`;
  if (result.exitCode !== 0) return undefined;
  const match = /^Version\s*:\s*v?(\S+)/m.exec(result.stdout);
  return match?.[1];
}

/**
 * Makes the pinned local S3 server (versitygw) available: the copy built earlier into the
 * cache when it reports the pinned version, else a build with the Go toolchain from the
 * module proxy into the cache.
 */
export async function ensureS3Server(options: EnsureS3ServerOptions): Promise<S3ServerBinary> {
  const { versions, log } = options;
  const program = versions.s3Server;
  const pinned = program.version;
  const cached = cachedS3ServerPath(pinned, options.env);
  if (existsSync(cached)) {
    const version = await s3ServerVersion(cached);
    if (version === pinned) {
      log(`s3 server: ${program.name} ${pinned} from the cache (${cached})`);
      return { binary: cached, version: pinned, source: 'cache' };
    }
    log(`s3 server: the cached ${cached} reports version ${version ?? 'nothing'}, expected ${pinned}: rebuilding it`);
  } else {
    log(`s3 server: ${program.name} ${pinned} is not cached yet: building it with the Go toolchain (a few minutes, once per machine)`);
  }
  try {
    const built = await buildGoProgram(program, cached, log, versions.goToolchain);
    const version = await s3ServerVersion(built.binary);
    if (version !== pinned) throw new ExternalError(`the built ${program.name} reports version ${version ?? 'nothing'}, expected ${pinned}`);
    log(`s3 server: built ${program.name} ${pinned} in ${built.seconds.toFixed(0)} s${built.peakMemoryMiB ? `, peak ${built.peakMemoryMiB} MiB` : ''}`);
    return {
      binary: built.binary,
      version: pinned,
      source: 'built',
      build: { seconds: built.seconds, peakMemoryMiB: built.peakMemoryMiB },
    };
  } catch (error) {
    if (error instanceof GoToolchainMissingError) {
      throw new ExternalError(`${program.name} ${pinned} is needed for the local S3 server: install the Go toolchain so it can be built (${error.message})`);
    }
    throw error;
  }
}
