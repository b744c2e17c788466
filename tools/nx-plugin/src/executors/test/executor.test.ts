import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@platform/config';
import { writeFiles } from '@platform/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { testTogether, type TestExecutorOptions } from './executor';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const VITEST = join(WORKSPACE, 'node_modules/vitest/vitest.mjs');

/** A workspace with a Vitest config of one `unit` project and the given test files (node_modules linked from this one). */
function workspaceWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'test-executor-'));
  symlinkSync(join(WORKSPACE, 'node_modules'), join(root, 'node_modules'));
  const all: Record<string, string> = {
    'package.json': '{ "type": "module" }\n',
    'vitest.config.mjs': "export default { test: { projects: [{ test: { name: 'unit', include: ['**/*.test.ts'] } }] } };\n",
    ...files,
  };
  writeFiles(root, all);
  return root;
}

const PASSING = "import { expect, it } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\nit('logs', () => console.log('said by libs/ok'));\n";
const FAILING = "import { expect, it } from 'vitest';\nit('adds', () => expect(1 + 1).toBe(2));\nit('is wrong', () => expect(1 + 1).toBe(3));\n";

const task = (root: string, vitestProject = 'unit'): TestExecutorOptions => ({ vitestProject, root, reportFile: `dist/test-results/${root}.json` });
const tasks = (...roots: string[]) => new Map(roots.map((root) => [root, task(root)]));

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  success: boolean;
  testResults: { name: string; status: string; assertionResults: { title: string; status: string }[] }[];
}
const readReport = (workspace: string, file: string) => JSON.parse(readFileSync(join(workspace, file), 'utf8')) as Report;
/** What a report says, without its times. */
const gist = (report: Report) => ({
  passed: report.numPassedTests,
  failed: report.numFailedTests,
  success: report.success,
  files: report.testResults.map((file) => ({ name: file.name, status: file.status, tests: file.assertionResults.map((test) => `${test.title}: ${test.status}`) })),
});

describe('test executor', () => {
  let workspace: string | undefined;
  afterEach(() => {
    if (workspace) rmSync(workspace, { recursive: true, force: true });
    workspace = undefined;
  });

  it('gives each project its own verdict and the JSON report `vitest run --reporter=json <root>/` writes for it alone', async () => {
    workspace = workspaceWith({ 'libs/ok/src/ok.test.ts': PASSING, 'libs/broken/src/broken.test.ts': FAILING, 'libs/broken/src/fine.test.ts': PASSING });
    const ends = await testTogether(workspace, tasks('libs/ok', 'libs/broken'));
    expect(ends.get('libs/ok')!.success).toBe(true);
    expect(ends.get('libs/broken')!.success).toBe(false);

    for (const root of ['libs/ok', 'libs/broken']) {
      const batched = gist(readReport(workspace, `dist/test-results/${root}.json`));
      const alone = spawnSync(process.execPath, [VITEST, 'run', '--project', 'unit', `${root}/`, '--reporter=json', '--outputFile.json=alone.json'], { cwd: workspace, encoding: 'utf8' });
      expect(alone.status, alone.stderr).toBe(root === 'libs/ok' ? 0 : 1);
      expect(batched, root).toEqual(gist(readReport(workspace, 'alone.json')));
    }
  }, 60_000);

  it("prints in a project's task its files, its failures with the assertion, and its tests' console output, never another project's", async () => {
    workspace = workspaceWith({ 'libs/ok/src/ok.test.ts': PASSING, 'libs/broken/src/broken.test.ts': FAILING });
    const ends = await testTogether(workspace, tasks('libs/ok', 'libs/broken'));
    const broken = ends.get('libs/broken')!.terminalOutput;
    expect(broken).toContain('× libs/broken/src/broken.test.ts (2 tests | 1 failed)');
    expect(broken).toContain('× is wrong');
    expect(broken).toMatch(/AssertionError: expected 2 to be 3/);
    expect(broken).toContain('Tests  1 passed, 1 failed (2)');
    expect(broken).not.toContain('libs/ok');
    const ok = ends.get('libs/ok')!.terminalOutput;
    expect(ok).toContain('✓ libs/ok/src/ok.test.ts (2 tests)');
    expect(ok).toContain('stdout | libs/ok/src/ok.test.ts > logs\nsaid by libs/ok');
    expect(ok).toContain('JSON report written to dist/test-results/libs/ok.json');
  }, 60_000);

  it('passes a project without test files, as --passWithNoTests does, with an empty report', async () => {
    workspace = workspaceWith({ 'libs/ok/src/ok.test.ts': PASSING, 'libs/empty/src/index.ts': 'export {};\n' });
    const ends = await testTogether(workspace, tasks('libs/ok', 'libs/empty'));
    expect(ends.get('libs/empty')).toMatchObject({ success: true });
    expect(gist(readReport(workspace, 'dist/test-results/libs/empty.json'))).toEqual({ passed: 0, failed: 0, success: true, files: [] });
  }, 60_000);

  it('fails a file that cannot load in its own project only, naming the error', async () => {
    workspace = workspaceWith({ 'libs/ok/src/ok.test.ts': PASSING, 'libs/throws/src/throws.test.ts': "throw new Error('broken at import');\n" });
    const ends = await testTogether(workspace, tasks('libs/ok', 'libs/throws'));
    expect(ends.get('libs/ok')!.success).toBe(true);
    expect(ends.get('libs/throws')).toMatchObject({ success: false, terminalOutput: expect.stringContaining('Error: broken at import') });
  }, 60_000);

  it('fails every project, saying how Vitest ended, when it ends before reporting', async () => {
    workspace = workspaceWith({ 'libs/ok/src/ok.test.ts': PASSING });
    const ends = await testTogether(workspace, new Map([['libs/ok', task('libs/ok', 'no-such-project')]]));
    expect(ends.get('libs/ok')).toMatchObject({ success: false, terminalOutput: expect.stringMatching(/^vitest exited with 1 before it reported on libs\/ok\n.*no-such-project/s) });
  }, 60_000);
  it('fails the project whose test left an unhandled error, and only it', async () => {
    const late = "import { it } from 'vitest';\nit('leaves a rejection behind', async () => { Promise.reject(new Error('rejected late')); await new Promise((r) => setTimeout(r, 50)); });\n";
    workspace = workspaceWith({ 'libs/ok/src/ok.test.ts': PASSING, 'libs/late/src/late.test.ts': late });
    const ends = await testTogether(workspace, tasks('libs/ok', 'libs/late'));
    expect(ends.get('libs/late')).toMatchObject({ success: false, terminalOutput: expect.stringContaining('rejected late') });
    expect(ends.get('libs/ok')!.success).toBe(true);
  }, 60_000);
});
