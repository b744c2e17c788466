import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readProjectManifest, type ProjectManifest } from '@platform/config';
import { UsageError } from './errors';

export { ESTATE_VARIABLE, findEstateRoot, findWorkspaceRoot } from '@platform/config';

export const STACKS_DIR = 'stacks';

/** Stack names: folders under stacks/ with a package.json, sorted. */
export function listStacks(workspaceRoot: string): string[] {
  const dir = join(workspaceRoot, STACKS_DIR);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => existsSync(join(dir, name, 'package.json')))
    .sort();
}

export function readStackManifest(workspaceRoot: string, stack: string): ProjectManifest {
  const file = `${STACKS_DIR}/${stack}/package.json`;
  const path = join(workspaceRoot, file);
  if (!existsSync(path)) throw new UsageError(`${file}: no such stack '${stack}' (known: ${listStacks(workspaceRoot).join(', ')})`);
  return readProjectManifest(file, readFileSync(path, 'utf8'), 'stack');
}

/** Where a stack's synthesized output lives, relative to the workspace root. */
export function synthOutputDir(stack: string): string {
  return `dist/stacks/${stack}`;
}
