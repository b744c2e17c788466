import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { $ } from 'zx';
import { platformCacheDir } from './cache-dir';
import { buildGoProgram, GoToolchainMissingError } from './go-build';
import type { PinnedVersions } from './versions';
import { ExternalError } from '@platform/workspace';

export interface ActionlintBinary {
  readonly binary: string;
  /** The release, e.g. `1.7.12`. */
  readonly version: string;
  readonly source: 'cache' | 'built';
}

/** Where the pinned actionlint is cached: `<platform cache>/actionlint/<version>/actionlint`. */
export function cachedActionlintPath(version: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(platformCacheDir(env), 'actionlint', version, 'actionlint');
}

/** The version `actionlint -version` reports on its first line, without the `v`; undefined when it cannot run. */
export async function actionlintVersion(binary: string): Promise<string | undefined> {
  const result = await $({ quiet: true, nothrow: true })`${binary} -version`;
  if (result.exitCode !== 0) return undefined;
  return /^v?(\d+\.\d+\.\d+)\s*$/m.exec(result.stdout.split('\n')[0] ?? '')?.[1];
}

/**
 * Makes the pinned workflow linter (rhysd/actionlint) available: the cached build when it reports
 * the pinned version, else a build with the Go toolchain from the module proxy into the cache.
 */
export async function ensureActionlint(options: { readonly versions: PinnedVersions; readonly log: (line: string) => void; readonly env?: NodeJS.ProcessEnv }): Promise<ActionlintBinary> {
  const program = options.versions.actionlint;
  const cached = cachedActionlintPath(program.version, options.env);
  if (existsSync(cached)) {
    const version = await actionlintVersion(cached);
    if (version === program.version) {
      options.log(`workflow linter: actionlint ${version} from the cache (${cached})`);
      return { binary: cached, version, source: 'cache' };
    }
    options.log(`workflow linter: the cached ${cached} reports ${version ?? 'no version'}, expected ${program.version}: rebuilding it`);
  } else {
    options.log(`workflow linter: actionlint ${program.version} is not cached yet: building it with the Go toolchain (about a minute, once per machine)`);
  }
  try {
    const built = await buildGoProgram(program, cached, options.log, options.versions.goToolchain);
    options.log(`workflow linter: built actionlint ${program.version} in ${built.seconds.toFixed(0)} s`);
    return { binary: built.binary, version: program.version, source: 'built' };
  } catch (error) {
    if (error instanceof GoToolchainMissingError) {
      throw new ExternalError(`actionlint ${program.version} lints the workflows: install the Go toolchain so it can be built (${error.message})`);
    }
    throw error;
  }
}

/** One problem actionlint found (its `-format '{{json .}}'` output). */
export interface WorkflowProblem {
  readonly filepath: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly message: string;
}

/** Lints every workflow in `.github/workflows` of a folder; shellcheck runs when it is on PATH. */
export async function lintWorkflows(binary: string, root: string): Promise<WorkflowProblem[]> {
  const dir = join(root, '.github/workflows');
  const files = readdirSync(dir).filter((name) => /\.ya?ml$/.test(name)).sort().map((name) => join('.github/workflows', name));
  if (files.length === 0) throw new ExternalError(`${dir} holds no workflow`);
  const result = await $({ cwd: root, quiet: true, nothrow: true })`${binary} -format ${'{{json .}}'} ${files}`;
  // 0: no problem; 1: problems found (printed as JSON); anything else: actionlint itself failed.
  if (result.exitCode !== 0 && result.exitCode !== 1) throw new ExternalError(`actionlint failed (exit ${result.exitCode}): ${result.stderr.trim()}`);
  const text = result.stdout.trim();
  return text === '' ? [] : (JSON.parse(text) as WorkflowProblem[]);
}
