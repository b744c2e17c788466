import { copyFileSync, existsSync, linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { platformCacheDir } from './cache-dir';
import { buildGoProgram } from './go-build';
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
  readonly state: 'cached' | 'built' | 'unavailable';
  /** Why a provider is unavailable, in the user's terms. */
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
}

/**
 * Builds every pinned provider that is not in the mirror yet. A provider that cannot be built
 * is reported, not thrown: the others still install, and commands that need the missing one
 * fail later with the reason.
 */
export async function ensureProviders(options: EnsureProvidersOptions): Promise<ProviderStatus[]> {
  const mirror = providerMirrorDir(options.env);
  const statuses: ProviderStatus[] = [];
  const wanted = Object.entries(options.versions.providers).filter(([source]) => !options.only || options.only.includes(source));
  for (const [source, program] of wanted) {
    const [primary, ...aliases] = REGISTRY_HOSTS.map((host) => providerBinaryPath(mirror, host, source, program.version));
    if (existsSync(primary!)) {
      options.log(`provider ${source} ${program.version}: in the mirror`);
      statuses.push({ source, version: program.version, state: 'cached' });
      continue;
    }
    options.log(`provider ${source} ${program.version}: building from ${program.module}@${program.moduleVersion}`);
    try {
      const built = await buildGoProgram(program, primary!, options.log);
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

/**
 * CLI configuration that installs providers only from the mirror: `tofu init` needs no
 * registry. Written next to the mirror and passed as TF_CLI_CONFIG_FILE.
 */
export function writeCliConfig(env: NodeJS.ProcessEnv = process.env): string {
  const mirror = providerMirrorDir(env);
  mkdirSync(mirror, { recursive: true });
  const file = join(platformCacheDir(env), 'tofurc.hcl');
  const hosts = REGISTRY_HOSTS.map((host) => `"${host}/*/*"`).join(', ');
  writeFileSync(
    file,
    [
      'provider_installation {',
      '  filesystem_mirror {',
      `    path    = ${JSON.stringify(mirror)}`,
      `    include = [${hosts}]`,
      '  }',
      '  direct {',
      `    exclude = [${hosts}]`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return file;
}
