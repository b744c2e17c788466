import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const ALIAS_IMPORT = /(?:from|import)\s*\(?\s*['"](@platform\/[\w-]+(?:\/[\w-]+)?)['"]/g;
const RELATIVE_IMPORT = /(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

/** A TypeScript source file of a project folder and the `@platform/*` aliases it imports. */
export interface ScannedFile {
  /** Relative to the workspace root. */
  readonly path: string;
  readonly test: boolean;
  /** Under a `__fixtures__` folder: test data, not the project's code. */
  readonly fixture: boolean;
  readonly aliases: readonly string[];
}

function scanFolder(workspaceRoot: string, dir: string, fixture: boolean, found: ScannedFile[]): void {
  for (const entry of readdirSync(join(workspaceRoot, dir), { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist') scanFolder(workspaceRoot, path, fixture || entry.name === '__fixtures__', found);
    } else if (/\.m?ts$/.test(entry.name)) {
      found.push({ path, test: /\.test\.m?ts$/.test(entry.name), fixture, aliases: aliasesIn(readFileSync(join(workspaceRoot, path), 'utf8')) });
    }
  }
}

/**
 * Every source file of a project folder, read once per graph computation (pass one cache, which
 * may hold folders read before whose content has not changed since).
 */
export function scanProject(workspaceRoot: string, root: string, cache: ImportScanCache): readonly ScannedFile[] {
  let files = cache.get(root);
  if (!files) {
    const found: ScannedFile[] = [];
    if (existsSync(join(workspaceRoot, root))) scanFolder(workspaceRoot, root, false, found);
    files = found;
    cache.set(root, files);
  }
  return files;
}

/** The nearest folder at or above `dir` (inside the workspace) that holds a package.json. */
export function projectRootOf(workspaceRoot: string, dir: string): string {
  let current = dir;
  while (current !== '.' && current !== '' && !existsSync(join(workspaceRoot, current, 'package.json'))) current = dirname(current);
  return current;
}

/**
 * Project root of each `@platform/*` alias (and secondary entry such as `@platform/state/testing`),
 * from tsconfig.base.json paths: the folder of the nearest package.json above the target.
 */
export function readAliasRoots(workspaceRoot: string): Map<string, string> {
  if (!existsSync(join(workspaceRoot, 'tsconfig.base.json'))) return new Map();
  const tsconfig = JSON.parse(readFileSync(join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as {
    compilerOptions?: { paths?: Record<string, string[]> };
  };
  const roots = new Map<string, string>();
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions?.paths ?? {})) {
    if (target) roots.set(alias, projectRootOf(workspaceRoot, dirname(target)));
  }
  return roots;
}

/** The source files of each project folder with the aliases they import, for one graph computation. */
export type ImportScanCache = Map<string, readonly ScannedFile[]>;

function aliasesIn(text: string): string[] {
  return [...text.matchAll(ALIAS_IMPORT)].map((match) => match[1]!);
}

function directImports(workspaceRoot: string, root: string, includeTests: boolean, cache: ImportScanCache): string[] {
  const files = scanProject(workspaceRoot, root, cache).filter((file) => includeTests || (!file.test && !file.fixture));
  return [...new Set(files.flatMap((file) => file.aliases))];
}

function visitAliases(
  workspaceRoot: string,
  aliases: readonly string[],
  found: Set<string>,
  skip: string,
  aliasRoots: ReadonlyMap<string, string>,
  cache: ImportScanCache,
): void {
  for (const alias of aliases) {
    const target = aliasRoots.get(alias) ?? aliasRoots.get(alias.split('/').slice(0, 2).join('/'));
    if (!target || target === skip || found.has(target)) continue;
    found.add(target);
    visitAliases(workspaceRoot, directImports(workspaceRoot, target, false, cache), found, skip, aliasRoots, cache);
  }
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
  visitAliases(workspaceRoot, directImports(workspaceRoot, projectRoot, includeTests, cache), found, projectRoot, aliasRoots, cache);
  return [...found].sort();
}

/** What one entry module reaches: its own project's files (relative imports) and other projects. */
export interface ModuleClosure {
  /** Workspace-relative files of the entry's own project, the entries included. */
  readonly files: readonly string[];
  /** Project roots reached through `@platform/*` imports, transitively. */
  readonly projects: readonly string[];
}

function resolveRelative(workspaceRoot: string, fromFile: string, specifier: string): string | undefined {
  const base = join(dirname(fromFile), specifier);
  return [`${base}.ts`, `${base}.mts`, join(base, 'index.ts'), base].find((candidate) => /\.m?ts$/.test(candidate) && existsSync(join(workspaceRoot, candidate)));
}

/**
 * The import closure of entry modules (e.g. one CLI command module): the files they reach by
 * relative import, and the projects they reach by alias. Static and dynamic `import()` both
 * count: a command module loads its library lazily. The relative imports of `shallow` entries
 * are not followed (a bin registers every command; only the one that runs matters).
 */
export function moduleClosure(
  workspaceRoot: string,
  entries: readonly string[],
  aliasRoots: ReadonlyMap<string, string> = readAliasRoots(workspaceRoot),
  cache: ImportScanCache = new Map(),
  shallow: readonly string[] = [],
): ModuleClosure {
  const files = new Set<string>();
  const aliases = new Set<string>();
  const pending = [...entries, ...shallow].filter((entry) => existsSync(join(workspaceRoot, entry)));
  while (pending.length > 0) {
    const file = pending.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const text = readFileSync(join(workspaceRoot, file), 'utf8');
    for (const alias of aliasesIn(text)) aliases.add(alias);
    if (shallow.includes(file)) continue;
    for (const match of text.matchAll(RELATIVE_IMPORT)) {
      const target = resolveRelative(workspaceRoot, file, match[1]!);
      if (target) pending.push(relative('.', target));
    }
  }
  const found = new Set<string>();
  visitAliases(workspaceRoot, [...aliases], found, '', aliasRoots, cache);
  return { files: [...files].sort(), projects: [...found].sort() };
}

/** Whether any source file under a project root matches `pattern` (test files included). */
export function hasSourceFile(workspaceRoot: string, projectRoot: string, pattern: RegExp, cache: ImportScanCache = new Map()): boolean {
  return scanProject(workspaceRoot, projectRoot, cache).some((file) => pattern.test(file.path));
}
