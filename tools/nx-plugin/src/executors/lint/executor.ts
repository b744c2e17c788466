import { isAbsolute, relative, resolve } from 'node:path';
import { ESLint } from 'eslint';
import { batchOfTasks, singleTask, type TaskEnd } from '../run-together';

export interface LintExecutorOptions {
  /** The folder to lint, from the workspace root: the project's root. */
  readonly lintFilePatterns: readonly string[];
}

/** How one project's lint ended, and what it printed. */
export type ProjectLint = TaskEnd;

function isInside(file: string, folder: string): boolean {
  const path = relative(folder, file);
  return path !== '' && !path.startsWith('..') && !isAbsolute(path);
}

/**
 * Lints several projects as `eslint --max-warnings 0 <folder>` lints each, with one ESLint
 * instance for all of them: the config, its plugins and typescript-eslint's parser load once, not
 * once per project. Each project gets the results of the files under its folders and fails on any
 * error or warning; a folder without a file to lint fails as ESLint fails it.
 */
export async function lintTogether(workspaceRoot: string, projects: ReadonlyMap<string, readonly string[]>): Promise<Map<string, ProjectLint>> {
  const eslint = new ESLint({ cwd: workspaceRoot, errorOnUnmatchedPattern: false });
  const patterns = [...new Set([...projects.values()].flat())];
  const results = await eslint.lintFiles(patterns);
  const formatter = await eslint.loadFormatter('stylish');
  const outcomes = new Map<string, ProjectLint>();
  for (const [key, folders] of projects) {
    const missing = folders.filter((folder) => !results.some((result) => isInside(result.filePath, resolve(workspaceRoot, folder))));
    if (missing.length > 0) {
      outcomes.set(key, { success: false, terminalOutput: missing.map((folder) => `No files matching the pattern "${folder}" were found.\n`).join('') });
      continue;
    }
    const own = results.filter((result) => folders.some((folder) => isInside(result.filePath, resolve(workspaceRoot, folder))));
    const problems = own.reduce((sum, result) => sum + result.errorCount + result.warningCount, 0);
    const output = await formatter.format(own);
    outcomes.set(key, {
      success: problems === 0,
      terminalOutput: problems > 0 && own.every((result) => result.errorCount === 0) ? `${output}\nESLint found too many warnings (maximum: 0).\n` : output,
    });
  }
  return outcomes;
}

/** One lint task on its own: `nx run <project>:lint` where no batch applies. */
export default singleTask((options: LintExecutorOptions) => options.lintFilePatterns, lintTogether);

/**
 * The lint tasks of one Nx run, together (Nx's batch mode; `preferBatch` in executors.json):
 * one ESLint lints them all. Nx still caches and restores each task on its own.
 */
export const batchLint = batchOfTasks((options: LintExecutorOptions) => options.lintFilePatterns, lintTogether);
