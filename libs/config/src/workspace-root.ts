import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from './config-error';

/** The nearest folder at or above `from` holding nx.json. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  while (!existsSync(join(dir, 'nx.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no nx.json at or above ${from}: run this inside the workspace`);
    dir = parent;
  }
  return dir;
}

/** The variable (or the platform command's --estate option) that names another estate than the workspace. */
export const ESTATE_VARIABLE = 'PLATFORM_ESTATE';

/**
 * The estate the platform command works on: the folder PLATFORM_ESTATE names (an estate laid out
 * like a workspace, with stacks/ and environments/, such as tools/fixture-estate), else the
 * workspace around the working directory.
 */
export function findEstateRoot(env: NodeJS.ProcessEnv = process.env): string {
  const named = env[ESTATE_VARIABLE]?.trim();
  if (!named) return findWorkspaceRoot();
  const root = resolve(named);
  for (const folder of ['stacks', 'environments']) {
    if (!existsSync(join(root, folder))) throw new ConfigError([{ file: named, key: `(${ESTATE_VARIABLE}, --estate)`, rule: `has no ${folder}/ folder: an estate holds stacks/ and environments/` }]);
  }
  return root;
}
