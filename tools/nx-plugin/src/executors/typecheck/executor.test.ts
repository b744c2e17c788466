import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorContext, TaskGraph } from '@nx/devkit';
import { writeFiles } from '@platform/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { batchTypecheck, typecheckTogether, type ProjectTypecheck } from './executor';

const TSC = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** A workspace of small projects sharing a base config with a path alias, as this repository's. */
function workspaceWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'typecheck-executor-'));
  const base = { compilerOptions: { strict: true, noEmit: true, module: 'ESNext', moduleResolution: 'Bundler', target: 'ES2022', lib: ['ES5'], skipLibCheck: true, types: [], baseUrl: '.', paths: { '@x/lib': ['libs/lib/src/index.ts'] } } };
  const all: Record<string, string> = {
    'tsconfig.base.json': JSON.stringify(base),
    'libs/lib/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }),
    'libs/lib/src/index.ts': 'export const answer: number = 42;\n',
    'tools/uses-lib/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }),
    'tools/uses-lib/src/main.ts': "import { answer } from '@x/lib';\nexport const doubled = answer * 2;\n",
    'tools/alone/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src/**/*.ts'] }),
    'tools/alone/src/main.ts': 'export const alone = 1;\n',
    ...files,
  };
  writeFiles(root, all);
  return root;
}

const PROJECTS = ['libs/lib', 'tools/uses-lib', 'tools/alone'];
const configs = (projects: readonly string[]) => new Map(projects.map((project) => [project, `${project}/tsconfig.json`]));

/** What `tsc -p <project> --noEmit` prints and whether it passes. */
function tscAlone(root: string, project: string): ProjectTypecheck {
  const result = spawnSync(process.execPath, [TSC, '-p', `${project}/tsconfig.json`, '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' });
  return { success: result.status === 0, terminalOutput: result.stdout };
}

/** The diagnostic lines of an output, without tsc's closing count (worded differently per tool). */
const diagnosticLines = (output: string) => output.split('\n').filter((line) => /error TS\d+/.test(line));

describe('typecheck executor', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  it("reports a library's error to the library and to every project whose program imports it, not to the others", () => {
    root = workspaceWith({ 'libs/lib/src/index.ts': "export const answer: number = 'forty-two';\n" });
    const results = typecheckTogether(root, configs(PROJECTS));
    expect([...results].map(([project, result]) => [project, result.success])).toEqual([
      ['libs/lib', false],
      ['tools/uses-lib', false],
      ['tools/alone', true],
    ]);
    expect(results.get('tools/uses-lib')!.terminalOutput).toContain("libs/lib/src/index.ts(1,14): error TS2322: Type 'string' is not assignable to type 'number'.");
    expect(results.get('tools/alone')!.terminalOutput).toBe('');
  });

  it('gives each project the diagnostics `tsc -p` gives it alone', () => {
    root = workspaceWith({
      'libs/lib/src/index.ts': "export const answer: number = 'forty-two';\n",
      'tools/uses-lib/src/main.ts': "import { answer } from '@x/lib';\nexport const doubled: string = answer * 2;\nconst unused = 1;\n",
    });
    const together = typecheckTogether(root, configs(PROJECTS));
    for (const project of PROJECTS) {
      const alone = tscAlone(root, project);
      expect(together.get(project)!.success, project).toBe(alone.success);
      expect(diagnosticLines(together.get(project)!.terminalOutput), project).toEqual(diagnosticLines(alone.terminalOutput));
    }
  });

  it('checks a project whose options differ in a program of its own, with its own options', () => {
    const loose = "export function id(value) {\n  return value;\n}\n";
    root = workspaceWith({
      'tools/loose/tsconfig.json': JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { noImplicitAny: false }, include: ['src/**/*.ts'] }),
      'tools/loose/src/main.ts': loose,
      'tools/alone/src/main.ts': loose,
    });
    const results = typecheckTogether(root, configs(['tools/loose', 'tools/alone']));
    expect(results.get('tools/loose')!.success).toBe(true);
    expect(results.get('tools/alone')!.success).toBe(false);
    expect(results.get('tools/alone')!.terminalOutput).toContain("error TS7006: Parameter 'value' implicitly has an 'any' type.");
  });

  it('fails only the project whose tsconfig cannot be read, naming the file', () => {
    root = workspaceWith({ 'tools/alone/tsconfig.json': '{ "extends": "../../tsconfig.base.json", ' });
    const results = typecheckTogether(root, configs(['tools/alone', 'tools/uses-lib']));
    expect(results.get('tools/alone')!.success).toBe(false);
    expect(results.get('tools/alone')!.terminalOutput).toMatch(/^tools\/alone\/tsconfig\.json\(\d+,\d+\): error TS\d+/);
    expect(results.get('tools/uses-lib')).toEqual({ success: true, terminalOutput: '' });
  });

  it('fails a project whose tsconfig is missing, naming the file', () => {
    root = workspaceWith({});
    const results = typecheckTogether(root, configs(['tools/missing']));
    expect(results.get('tools/missing')!.success).toBe(false);
    expect(results.get('tools/missing')!.terminalOutput).toContain('tools/missing/tsconfig.json');
  });

  it("ends each of a batch's tasks once, under the task's own name", async () => {
    root = workspaceWith({ 'libs/lib/src/index.ts': "export const answer: number = 'forty-two';\n" });
    const inputs = { 'lib:typecheck': { tsConfig: 'libs/lib/tsconfig.json' }, 'alone:typecheck': { tsConfig: 'tools/alone/tsconfig.json' } };
    const ends: [string, boolean][] = [];
    for await (const { task, result } of batchTypecheck({} as TaskGraph, inputs, {}, { root } as ExecutorContext)) ends.push([task, result.success]);
    expect(ends.sort()).toEqual([
      ['alone:typecheck', true],
      ['lib:typecheck', false],
    ]);
  });
});
