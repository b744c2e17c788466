import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const IMPORT = /(?:from|import)\s*\(?\s*['"](@platform\/[\w-]+)(?:\/[^'"]*)?['"]/g;

function sourceFiles(dir: string, includeTests: boolean): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return name === 'node_modules' || (!includeTests && name === '__fixtures__') ? [] : sourceFiles(path, includeTests);
    }
    if (!/\.m?ts$/.test(name)) return [];
    return includeTests || !/\.test\.m?ts$/.test(name) ? [path] : [];
  });
}

/** Project root of each `@platform/*` alias, from tsconfig.base.json paths. */
export function readAliasRoots(workspaceRoot: string): Map<string, string> {
  if (!existsSync(join(workspaceRoot, 'tsconfig.base.json'))) return new Map();
  const tsconfig = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions?: { paths?: Record<string, string[]> };
  };
  const roots = new Map<string, string>();
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions?.paths ?? {})) {
    if (target) roots.set(alias, dirname(dirname(target)));
  }
  return roots;
}

/** `@platform/*` aliases a folder's source files import, cached per folder for one graph computation. */
export type ImportScanCache = Map<string, string[]>;

function directImports(workspaceRoot: string, root: string, includeTests: boolean, cache: ImportScanCache): string[] {
  const key = `${root}\0${includeTests}`;
  let aliases = cache.get(key);
  if (!aliases) {
    const found = new Set<string>();
    for (const file of sourceFiles(join(workspaceRoot, root), includeTests)) {
      for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) found.add(match[1]!);
    }
    aliases = [...found];
    cache.set(key, aliases);
  }
  return aliases;
}

/**
 * Library roots a project's code reaches through `@platform/*` imports, transitively. The
 * project's own tests count when `includeTests` is set; a library's tests never do.
 * Read from source text only, each folder once per graph computation (pass one cache).
 */
export function libraryClosure(
  workspaceRoot: string,
  projectRoot: string,
  includeTests: boolean,
  aliasRoots: ReadonlyMap<string, string> = readAliasRoots(workspaceRoot),
  cache: ImportScanCache = new Map(),
): string[] {
  const found = new Set<string>();
  const visit = (root: string, tests: boolean) => {
    for (const alias of directImports(workspaceRoot, root, tests, cache)) {
      const target = aliasRoots.get(alias);
      if (!target || target === projectRoot || found.has(target)) continue;
      found.add(target);
      visit(target, false);
    }
  };
  visit(projectRoot, includeTests);
  return [...found].sort();
}
