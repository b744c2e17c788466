import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { platformCacheDir } from '../cache-dir';
import { buildGoProgram, GoToolchainMissingError } from '../go-build';
import type { PinnedVersions } from '../versions';
import { ExternalError } from '@platform/workspace';

export interface GcsServerBinary {
  readonly binary: string;
  /** The release, e.g. `1.56.1`. */
  readonly version: string;
  /** Where it came from, for the progress line and reports. */
  readonly source: 'cache' | 'built';
  /** Build time and peak memory, when it was built in this call. */
  readonly build?: { readonly seconds: number; readonly peakMemoryMiB: number | null };
}

export interface EnsureGcsServerOptions {
  readonly versions: PinnedVersions;
  readonly log: (line: string) => void;
  readonly env?: NodeJS.ProcessEnv;
}

/** Where the pinned fake-gcs-server is cached: `<platform cache>/fake-gcs-server/<version>/fake-gcs-server`. */
export function cachedGcsServerPath(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(platformCacheDir(env), 'fake-gcs-server', version, 'fake-gcs-server');
}

/** The stamp beside a cached binary: `<binary>.stamp.json`. */
export function gcsServerStampPath(binary: string): string {
  return `${binary}.stamp.json`;
}

interface Stamp {
  readonly version: string;
  readonly module: string;
  readonly sha256: string;
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

/**
 * The version of the fake-gcs-server at `binary`, without a leading `v`, or undefined when it
 * cannot be told. fake-gcs-server has no `--version` flag, and a `-trimpath` build records
 * neither the module version nor the ldflags in its Go build info, so {@link ensureGcsServer}
 * writes a stamp beside the binary it built (version, module, sha256 of the binary). The version
 * counts only when the stamp is there and the binary is still the one it describes.
 */
export async function gcsServerVersion(binary: string): Promise<string | undefined> {
  return (await readStamp(binary))?.version;
}

/** The stamp beside `binary` when it describes exactly these bytes. */
async function readStamp(binary: string): Promise<Stamp | undefined> {
  try {
    const stamp = JSON.parse(await readFile(gcsServerStampPath(binary), 'utf8')) as Partial<Stamp>;
    if (typeof stamp.version !== 'string' || typeof stamp.module !== 'string' || typeof stamp.sha256 !== 'string') return undefined;
    return (await sha256Of(binary)) === stamp.sha256 ? (stamp as Stamp) : undefined;
  } catch {
    return undefined;
  }
}

async function writeStamp(binary: string, version: string, module: string): Promise<void> {
  const stamp: Stamp = { version, module, sha256: await sha256Of(binary) };
  const partial = `${gcsServerStampPath(binary)}.partial-${process.pid}`;
  await writeFile(partial, `${JSON.stringify(stamp, null, 2)}\n`);
  await rename(partial, gcsServerStampPath(binary));
}

/**
 * Makes the pinned GCS emulator (fake-gcs-server) available: the copy built earlier into the
 * cache when its stamp names the pinned version, else a build with the Go toolchain from the module
 * proxy into the cache, stamped.
 */
export async function ensureGcsServer(options: EnsureGcsServerOptions): Promise<GcsServerBinary> {
  const { versions, log } = options;
  const program = versions.gcsServer;
  const pinned = program.version;
  const module = `${program.module}@${program.moduleVersion}`;
  const cached = cachedGcsServerPath(pinned, options.env);
  if (existsSync(cached)) {
    const stamp = await readStamp(cached);
    if (stamp?.version === pinned && stamp.module === module) {
      log(`gcs server: ${program.name} ${pinned} from the cache (${cached})`);
      return { binary: cached, version: pinned, source: 'cache' };
    }
    log(`gcs server: the cached ${cached} is ${stamp ? `${stamp.module} (version ${stamp.version})` : 'not described by a stamp beside it'}, expected ${module}: rebuilding it`);
  } else {
    log(`gcs server: ${program.name} ${pinned} is not cached yet: building it with the Go toolchain (a few minutes, once per machine)`);
  }
  try {
    const built = await buildGoProgram(program, cached, log, versions.goToolchain);
    await writeStamp(built.binary, pinned, module);
    log(`gcs server: built ${program.name} ${pinned} in ${built.seconds.toFixed(0)} s${built.peakMemoryMiB ? `, peak ${built.peakMemoryMiB} MiB` : ''}`);
    return {
      binary: built.binary,
      version: pinned,
      source: 'built',
      build: { seconds: built.seconds, peakMemoryMiB: built.peakMemoryMiB },
    };
  } catch (error) {
    if (error instanceof GoToolchainMissingError) {
      throw new ExternalError(`${program.name} ${pinned} is needed for the GCS emulator: install the Go toolchain so it can be built (${error.message})`);
    }
    throw error;
  }
}
