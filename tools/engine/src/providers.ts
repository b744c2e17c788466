import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformCacheDir } from './cache-dir';
import { buildGoProgram } from './go-build';
import type { ProviderSourceChoice } from './provider-source';
import type { PinnedVersions } from './versions';

/** Registry hostnames the mirror answers for: OpenTofu's, and Terraform's for the alternative engine. */
export const REGISTRY_HOSTS = ['registry.opentofu.org', 'registry.terraform.io'] as const;

export function targetPlatform(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  return `${process.platform}_${arch}`;
}

export function providerMirrorDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(platformCacheDir(env), 'providers');
}

/** Path of a provider binary in the unpacked filesystem-mirror layout. */
export function providerBinaryPath(mirror: string, host: string, source: string, version: string): string {
  const type = source.split('/')[1]!;
  return join(mirror, host, source, version, targetPlatform(), `terraform-provider-${type}_v${version}_x5`);
}

/** Whether a pinned provider is in the mirror already (no build is attempted). */
export function providerInMirror(versions: PinnedVersions, source: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const pinned = versions.providers[source];
  return pinned !== undefined && existsSync(providerBinaryPath(providerMirrorDir(env), REGISTRY_HOSTS[0], source, pinned.version));
}

export interface ProviderStatus {
  readonly source: string;
  readonly version: string;
  /** In the mirror already, built into it now, left to `tofu init` to fetch from the registry, or unavailable. */
  readonly state: 'cached' | 'built' | 'registry' | 'unavailable';
  /** Why it comes from where it does, or why it is unavailable, in the user's terms. */
  readonly reason?: string;
  readonly seconds?: number;
  readonly peakMemoryMiB?: number | null;
}

export interface EnsureProvidersOptions {
  readonly versions: PinnedVersions;
  readonly log: (line: string) => void;
  /** Provider sources to install (e.g. hashicorp/time); every pinned provider when omitted. */
  readonly only?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Where providers come from; the source-built mirror when omitted. */
  readonly source?: ProviderSourceChoice;
}

/**
 * From the registry: nothing to build, `tofu init` fetches each provider and checks it against
 * the committed lock file. From the mirror: builds every pinned provider that is not in it yet.
 * A provider that cannot be built is reported, not thrown: the others still install, and
 * commands that need the missing one fail later with the reason.
 */
export async function ensureProviders(options: EnsureProvidersOptions): Promise<ProviderStatus[]> {
  const mirror = providerMirrorDir(options.env);
  const statuses: ProviderStatus[] = [];
  const wanted = Object.entries(options.versions.providers).filter(([source]) => !options.only || options.only.includes(source));
  if (options.source?.source === 'registry') {
    const from = options.source.networkMirror ? `the network mirror ${options.source.networkMirror}` : 'the registry';
    for (const [source, program] of wanted) {
      options.log(`provider ${source} ${program.version}: from ${from} at tofu init, checked against the committed lock file (${options.source.reason})`);
      statuses.push({ source, version: program.version, state: 'registry', reason: options.source.reason });
    }
    return statuses;
  }
  for (const [source, program] of wanted) {
    const [primary, ...aliases] = REGISTRY_HOSTS.map((host) => providerBinaryPath(mirror, host, source, program.version));
    if (existsSync(primary!)) {
      options.log(`provider ${source} ${program.version}: in the mirror${options.source ? ` (provider source: mirror, ${options.source.reason})` : ''}`);
      statuses.push({ source, version: program.version, state: 'cached', ...(options.source ? { reason: options.source.reason } : {}) });
      continue;
    }
    options.log(`provider ${source} ${program.version}: building from ${program.module}@${program.moduleVersion}`);
    try {
      const built = await buildGoProgram(program, primary!, options.log, options.versions.goToolchain);
      for (const alias of aliases) linkInto(alias, primary!);
      options.log(`provider ${source} ${program.version}: built in ${built.seconds.toFixed(0)} s${built.peakMemoryMiB ? `, peak ${built.peakMemoryMiB} MiB` : ''}`);
      statuses.push({ source, version: program.version, state: 'built', seconds: built.seconds, peakMemoryMiB: built.peakMemoryMiB });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      options.log(`provider ${source} ${program.version}: UNAVAILABLE: ${reason.split('\n')[0]}`);
      statuses.push({ source, version: program.version, state: 'unavailable', reason });
    }
  }
  return statuses;
}

function linkInto(alias: string, primary: string): void {
  if (existsSync(alias)) return;
  mkdirSync(join(alias, '..'), { recursive: true });
  // A copy would double the disk use of a large provider; a hard link keeps one file.
  try {
    linkSync(primary, alias);
  } catch {
    copyFileSync(primary, alias);
  }
}

/** Where `tofu init` keeps the providers it downloaded, so each is downloaded once per machine. */
export function pluginCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(platformCacheDir(env), 'plugin-cache');
}

/**
 * The CLI configuration every engine run gets as TF_CLI_CONFIG_FILE, one file per source:
 * - mirror: installs only from the filesystem mirror and never contacts a registry;
 * - registry: installs from the origin registries (or the network mirror), as `tofu init`
 *   does by default, keeping downloads in a shared plugin cache.
 */
export function writeCliConfig(source: ProviderSourceChoice = { source: 'mirror', reason: 'default' }, env: NodeJS.ProcessEnv = process.env): string {
  const hosts = REGISTRY_HOSTS.map((host) => `"${host}/*/*"`).join(', ');
  let name: string;
  let lines: string[];
  if (source.source === 'mirror') {
    const mirror = providerMirrorDir(env);
    mkdirSync(mirror, { recursive: true });
    name = 'tofurc.hcl';
    lines = [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = [${hosts}]`,
      '  }',
      '  direct {',
      `    exclude = [${hosts}]`,
      '  }',
      '}',
    ];
  } else {
    const cache = pluginCacheDir(env);
    mkdirSync(cache, { recursive: true });
    name = source.networkMirror ? `tofurc-network-mirror-${createHash('sha256').update(source.networkMirror).digest('hex').slice(0, 12)}.hcl` : 'tofurc-registry.hcl';
    lines = [
      `plugin_cache_dir = ${JSON.stringify(cache)}`,
      'provider_installation {',
      ...(source.networkMirror ? ['  network_mirror {', `    url = ${JSON.stringify(source.networkMirror)}`, '  }'] : ['  direct {}']),
      '}',
    ];
  }
  const file = join(platformCacheDir(env), name);
  // Concurrent engine runs write the same file: each writes aside, then renames into place.
  const partial = `${file}.partial-${process.pid}`;
  writeFileSync(partial, [...lines, ''].join('\n'));
  renameSync(partial, file);
  return file;
}
