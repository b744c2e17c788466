import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);
const STACKS = readdirSync(join(WORKSPACE, 'stacks')).sort();

/** Runs synth for every stack through Nx and returns the projects whose synth really ran (not from cache). */
function synthesizedProjects(cwd: string): string[] {
  const result = spawnSync('npx', ['nx', 'run-many', '-t', 'synth', '--outputStyle=static'], { cwd, encoding: 'utf8', env: nxChildEnvironment() });
  expect(result.status, result.stdout + result.stderr).toBe(0);
  // In batch mode Nx prints a task's header when the batch starts and again with its output.
  const ran = [...result.stdout.matchAll(/^> nx run ([\w-]+):synth(.*)$/gm)].filter(([, , rest]) => !/cache/.test(rest!)).map(([, project]) => project!);
  return [...new Set(ran)].sort();
}

describe('Nx cache isolation of inferred synth targets', () => {
  let copy: string;
  beforeAll(() => {
    copy = copyWorkspace(WORKSPACE, undefined, 'cache');
    expect(synthesizedProjects(copy)).toEqual(STACKS);
  }, 180_000);
  afterAll(() => removeWorkspaceCopy(copy));

  it('replays every synth from the cache when nothing changed', () => {
    expect(synthesizedProjects(copy)).toEqual([]);
  }, 120_000);

  it("re-runs only the stack whose settings file changed in one environment", () => {
    appendFileSync(join(copy, 'environments/prod/database.yaml'), '# comment that changes the file\n');
    expect(synthesizedProjects(copy)).toEqual(['database']);
  }, 120_000);

  it('re-runs only the producer when a producer stack changes, never its consumers', () => {
    appendFileSync(join(copy, 'stacks/network/src/settings.ts'), '\n// a change to the producer\n');
    expect(synthesizedProjects(copy)).toEqual(['network']);
  }, 120_000);

  it('re-runs the stacks that import a library when the library changes, and only those', () => {
    appendFileSync(join(copy, 'libs/networking/src/cidr.ts'), '\n// a change to the library\n');
    expect(synthesizedProjects(copy)).toEqual(['edge', 'network']);
  }, 120_000);

  it('re-runs every stack when an environment-wide file changes', () => {
    appendFileSync(join(copy, 'environments/dev/environment.yaml'), '# comment\n');
    expect(synthesizedProjects(copy)).toEqual(STACKS);
  }, 180_000);

  it('follows an import added since the last graph at once: the folder read before is read again', () => {
    const entry = join(copy, 'stacks/bootstrap/src/index.ts');
    writeFileSync(entry, `import '@platform/networking';\n${readFileSync(entry, 'utf8')}`);
    expect(synthesizedProjects(copy)).toEqual(['bootstrap']);
    appendFileSync(join(copy, 'libs/networking/src/cidr.ts'), '\n// another change to the library\n');
    expect(synthesizedProjects(copy)).toEqual(['bootstrap', 'edge', 'network']);
  }, 180_000);

  it('fails only the synth task of a broken stack when the tasks run together, and caches the others', () => {
    const entry = join(copy, 'stacks/edge/src/index.ts');
    const before = readFileSync(entry, 'utf8');
    writeFileSync(entry, `${before}\nthrow new Error('edge broken on purpose');\n`);
    appendFileSync(join(copy, 'environments/dev/environment.yaml'), '# every stack synthesizes again\n');
    const failed = spawnSync('npx', ['nx', 'run-many', '-t', 'synth', '--outputStyle=static'], { cwd: copy, encoding: 'utf8', env: nxChildEnvironment() });
    expect(failed.status).not.toBe(0);
    expect(failed.stdout).toMatch(/✗ edge: nothing written\n\s+edge broken on purpose/);
    expect(failed.stdout).toMatch(/Failed tasks:\s+- edge:synth\s/);
    writeFileSync(entry, before);
    expect(synthesizedProjects(copy)).toEqual(['edge']);
  }, 180_000);

  it('runs a synth task in its own process when batching is off', () => {
    const result = spawnSync('npx', ['nx', 'run', 'database:synth', '--batch=false', '--skip-nx-cache', '--outputStyle=static'], { cwd: copy, encoding: 'utf8', env: nxChildEnvironment() });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toMatch(/✓ database: dist\/stacks\/database\/<env>\/cdk.tf.json/);
  }, 120_000);
});
