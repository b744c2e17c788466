import { UsageError } from '@platform/workspace';
import type { PinnedVersions } from './versions';

/** One provider entry of a dependency lock file (`.terraform.lock.hcl`). */
export interface LockedProvider {
  /** Full address, e.g. registry.opentofu.org/hashicorp/google. */
  readonly address: string;
  /** Without the registry host, as versions.json names it: hashicorp/google. */
  readonly source: string;
  readonly version: string;
  readonly hashes: readonly string[];
}

const PROVIDER_BLOCK = /^provider\s+"([^"]+)"\s*\{([\s\S]*?)^\}/gm;
const ATTRIBUTE = (name: string) => new RegExp(`^\\s*${name}\\s*=\\s*"([^"]*)"`, 'm');
const HASHES = /^\s*hashes\s*=\s*\[([\s\S]*?)\]/m;

/**
 * Reads the provider entries of a lock file as OpenTofu writes it (`tofu init`, `tofu providers
 * lock`). Only what the platform checks is read: address, version and hashes. Anything that is
 * not such a block, or a block without a version, is refused with the file named.
 */
export function parseLockFile(text: string, file: string): LockedProvider[] {
  const providers: LockedProvider[] = [];
  const rest = text.replace(PROVIDER_BLOCK, (_block, address: string, body: string) => {
    const version = ATTRIBUTE('version').exec(body)?.[1];
    if (!version) throw new UsageError(`${file}: provider "${address}" has no version`);
    const parts = address.split('/');
    if (parts.length !== 3) throw new UsageError(`${file}: provider address "${address}" is not <host>/<namespace>/<type>`);
    const hashes = [...(HASHES.exec(body)?.[1] ?? '').matchAll(/"([^"]+)"/g)].map((m) => m[1]!);
    providers.push({ address, source: `${parts[1]}/${parts[2]}`, version, hashes });
    return '';
  });
  const stray = rest.split('\n').find((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (stray !== undefined) throw new UsageError(`${file}: not a dependency lock file (unexpected line '${stray.trim()}')`);
  return providers;
}

/**
 * Checks a lock file against the providers a configuration needs and the versions the
 * repository pins, before any `init -lockfile=readonly` (whose own message is less clear):
 * every needed provider locked at its pinned version, no other provider, at least one hash.
 */
export function checkLockFile(
  locked: readonly LockedProvider[],
  needed: readonly string[],
  versions: PinnedVersions,
  file: string,
  fix: string,
): void {
  for (const source of needed) {
    const entry = locked.find((p) => p.source === source);
    const pinned = versions.providers[source]?.version;
    if (!entry) throw new UsageError(`${file}: provider ${source} is needed but not locked; ${fix}`);
    if (pinned && entry.version !== pinned) {
      throw new UsageError(`${file}: provider ${source} is locked at ${entry.version} but tools/engine/versions.json pins ${pinned}; ${fix}`);
    }
    if (entry.hashes.length === 0) throw new UsageError(`${file}: provider ${source} has no hashes; ${fix}`);
  }
  const extra = locked.filter((p) => !needed.includes(p.source));
  if (extra.length > 0) {
    throw new UsageError(`${file}: locks ${extra.map((p) => p.source).join(', ')}, which the configuration does not use; ${fix}`);
  }
}

/** True when `init` failed because a provider package matches none of the hashes in the lock file. */
export function isChecksumMismatch(message: string): boolean {
  return /doesn't match any of the checksums|does not match any of the checksums|checksum/i.test(message) && /lock file/i.test(message);
}
