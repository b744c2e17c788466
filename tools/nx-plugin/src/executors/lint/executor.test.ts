import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { writeFiles } from '@platform/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { batchLint, lintTogether, type ProjectLint } from './executor';

const ESLINT_CLI = join(dirname(createRequire(import.meta.url).resolve('eslint/package.json')), 'bin/eslint.js');

/** A workspace of small JavaScript projects with a flat config of built-in rules (nothing to resolve from node_modules). */
function workspaceWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'lint-executor-'));
  const all: Record<string, string> = {
    'eslint.config.mjs': "export default [{ files: ['**/*.js'], rules: { 'no-unused-vars': 'error', 'no-console': 'warn' } }];\n",
    'libs/clean/src/index.js': 'export const answer = 42;\n',
    'libs/unused/src/index.js': 'const unused = 1;\nexport const used = 2;\n',
    'tools/warns/src/main.js': "console.log('hello');\n",
    ...files,
  };
  writeFiles(root, all);
  return root;
}

const projects = (...folders: string[]) => new Map(folders.map((folder) => [folder, [folder]]));

/** What `eslint --max-warnings 0 <folder>` decides for a folder, and the rule of each problem it prints. */
function eslintAlone(root: string, folder: string): { success: boolean; rules: string[] } {
  const result = spawnSync(process.execPath, [ESLINT_CLI, '--max-warnings', '0', '--format', 'stylish', folder], { cwd: root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { success: result.status === 0, rules: rulesIn(result.stdout + result.stderr) };
}

const rulesIn = (output: string) => [...output.matchAll(/\s(no-[a-z-]+)\s*$/gm)].map((match) => match[1]!);

describe('lint executor', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it("gives each project the problems of its own files only, and passes a clean project with nothing printed", async () => {
    root = workspaceWith({});
    const results = await lintTogether(root, projects('libs/clean', 'libs/unused'));
    expect(results.get('libs/clean')).toEqual({ success: true, terminalOutput: '' });
    expect(results.get('libs/unused')!.success).toBe(false);
    expect(results.get('libs/unused')!.terminalOutput).toContain(join(root, 'libs/unused/src/index.js'));
    expect(results.get('libs/unused')!.terminalOutput).toMatch(/'unused' is assigned a value but never used/);
  });

  it('fails a project on a warning alone, as --max-warnings 0 does, and says so', async () => {
    root = workspaceWith({});
    const result = (await lintTogether(root, projects('tools/warns'))).get('tools/warns')!;
    expect(result.success).toBe(false);
    expect(result.terminalOutput).toContain('ESLint found too many warnings (maximum: 0).');
  });

  it('decides each project as `eslint --max-warnings 0 <folder>` decides it alone, on the same rules', async () => {
    root = workspaceWith({});
    const folders = ['libs/clean', 'libs/unused', 'tools/warns'];
    const together = await lintTogether(root, projects(...folders));
    for (const folder of folders) {
      const result: ProjectLint = together.get(folder)!;
      expect({ success: result.success, rules: rulesIn(stripVTControlCharacters(result.terminalOutput)) }, folder).toEqual(eslintAlone(root, folder));
    }
  });

  it('fails a project whose folder holds nothing to lint, naming the folder', async () => {
    root = workspaceWith({ 'tools/empty/README.md': '# nothing to lint\n' });
    const results = await lintTogether(root, projects('tools/empty', 'libs/clean'));
    expect(results.get('tools/empty')).toEqual({ success: false, terminalOutput: 'No files matching the pattern "tools/empty" were found.\n' });
    expect(results.get('libs/clean')!.success).toBe(true);
  });

  it("ends each of a batch's tasks once, under the task's own name", async () => {
    root = workspaceWith({});
    const inputs = { 'clean:lint': { lintFilePatterns: ['libs/clean'] }, 'unused:lint': { lintFilePatterns: ['libs/unused'] } };
    const ends: [string, boolean][] = [];
    for await (const { task, result } of batchLint({} as TaskGraph, inputs, {}, { root } as ExecutorContext)) ends.push([task, result.success]);
    expect(ends.sort()).toEqual([
      ['clean:lint', true],
      ['unused:lint', false],
    ]);
  });
});
