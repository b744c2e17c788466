import { existsSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { readReleases, releasesFile, requiredProviders } from '@platform/deploy';
import type { ReleasedStack } from '@platform/deploy';
import { UsageError } from '@platform/workspace';

export interface RestoredDelivery {
  /** The fresh clone (removed at the end of the drill unless kept). */
  readonly checkout: string;
  /** The estate inside the clone (stacks/, environments/). */
  readonly estate: string;
  readonly commit: string;
  /** How dependencies were installed. */
  readonly install: 'npm ci' | 'reused node_modules (same package-lock.json)';
}

/** Which version of each stack the source environment runs, from its git-visible releases file. */
export function promotedVersions(estate: string, source: string): Map<string, string> {
  const releases = readReleases(estate, source);
  const versions = new Map(Object.entries(releases.stacks).map(([stack, entry]) => [stack, entry.version]));
  if (versions.size === 0) {
    throw new UsageError(`${releasesFile(source)}: no stack has been promoted to '${source}', so there is nothing to rebuild (promote first, or pick another --source)`);
  }
  return versions;
}

/**
 * Clones the repository at `ref` into a new temporary folder and installs it. When the clone's
 * package-lock.json is byte-identical to the running checkout's, its node_modules is linked
 * instead of installed again (the same lock file installs the same packages); otherwise `npm ci`.
 */
export async function cloneDelivery(options: { readonly repository: string; readonly estate: string; readonly ref: string; readonly log: (line: string) => void }): Promise<RestoredDelivery> {
  const checkout = join(mkdtempSync(join(tmpdir(), 'drill-')), 'checkout');
  const commit = (await $({ cwd: options.repository, quiet: true })`git rev-parse --verify ${`${options.ref}^{commit}`}`).stdout.trim();
  await $({ quiet: true })`git clone --quiet --no-checkout ${options.repository} ${checkout}`;
  await $({ cwd: checkout, quiet: true })`git checkout --quiet --detach ${commit}`;
  options.log(`restore delivery: cloned ${commit.slice(0, 12)} into ${checkout}`);
  const lock = (root: string) => (existsSync(join(root, 'package-lock.json')) ? readFileSync(join(root, 'package-lock.json')) : undefined);
  const ours = lock(options.repository);
  const theirs = lock(checkout);
  let install: RestoredDelivery['install'];
  if (ours && theirs && ours.equals(theirs) && existsSync(join(options.repository, 'node_modules'))) {
    symlinkSync(join(options.repository, 'node_modules'), join(checkout, 'node_modules'), 'dir');
    install = 'reused node_modules (same package-lock.json)';
  } else {
    await $({ cwd: checkout, quiet: true })`npm ci --no-audit --no-fund`;
    install = 'npm ci';
  }
  options.log(`restore delivery: ${install}`);
  return { checkout, estate: join(checkout, options.estate), commit, install };
}

/** Runs the clone's own engine setup for the providers the configurations need. */
export async function buildDelivery(delivery: RestoredDelivery, stacks: readonly ReleasedStack[], log: (line: string) => void): Promise<void> {
  const providers = [...new Set(stacks.flatMap((s) => requiredProviders(s.configuration)))].sort();
  const args = providers.length > 0 ? ['--', '--provider', ...providers] : [];
  await $({ cwd: delivery.checkout, quiet: true })`npm run --silent setup ${args}`;
  log(`restore delivery: engine and providers ready in the clone (${providers.join(', ') || 'no providers'})`);
}
