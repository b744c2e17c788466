import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENVIRONMENTS_DIR } from '@platform/config';

/** What each environment runs, in git: environments/<env>/releases.json. */
export interface Releases {
  readonly stacks: Readonly<Record<string, { readonly version: string; readonly manifestSha256: string; readonly at: string }>>;
}

export function releasesFile(environment: string): string {
  return `${ENVIRONMENTS_DIR}/${environment}/releases.json`;
}

export function readReleases(workspaceRoot: string, environment: string): Releases {
  const path = join(workspaceRoot, releasesFile(environment));
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Releases) : { stacks: {} };
}

/** Records the version a stack runs in an environment; written whole, then renamed into place. */
export function writeRelease(workspaceRoot: string, environment: string, stack: string, entry: Releases['stacks'][string]): void {
  const current = readReleases(workspaceRoot, environment);
  writeReleases(workspaceRoot, environment, { ...current.stacks, [stack]: entry });
}

/** Records that a stack no longer runs in an environment (it was destroyed there). */
export function removeRelease(workspaceRoot: string, environment: string, stack: string): void {
  const { [stack]: _removed, ...rest } = readReleases(workspaceRoot, environment).stacks;
  writeReleases(workspaceRoot, environment, rest);
}

function writeReleases(workspaceRoot: string, environment: string, entries: Releases['stacks']): void {
  const stacks = Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)));
  const path = join(workspaceRoot, releasesFile(environment));
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ stacks }, null, 2)}\n`);
  renameSync(temporary, path);
}
