import { spawnSync } from 'node:child_process';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { readNxJson } from 'nx/src/config/nx-json.js';
import { HashPlanInspector } from 'nx/src/hasher/hash-plan-inspector.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspace, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/** Every task of these targets whose hash includes `file`: the tasks a change to it re-runs. */
async function tasksHashing(files: readonly string[], targets: readonly string[]): Promise<Map<string, string[]>> {
  const graph = await createProjectGraphAsync({ exitOnError: false });
  const inspector = new HashPlanInspector(graph, WORKSPACE, readNxJson(WORKSPACE));
  await inspector.init();
  const withTargets = Object.keys(graph.nodes).filter((name) => targets.some((target) => graph.nodes[name]!.data.targets?.[target]));
  const plan = inspector.inspectHashPlan(withTargets, [...targets], undefined, {}, {}, true);
  return new Map(files.map((file) => [file, Object.keys(plan).filter((task) => plan[task]!.includes(`file:${file}`)).sort()]));
}

describe('the layout of tools/: cache inputs from the import closure', () => {
  it('invalidates validate when a file it imports changes, and not for an unrelated tool project', async () => {
    const files = ['tools/deploy/src/stack-engine.ts', 'libs/config/src/load.ts', 'tools/engine/versions.json', 'tools/drill/src/drill.ts', 'tools/cli/src/commands/drift.ts'];
    const hashing = await tasksHashing(files, ['validate']);
    for (const file of ['tools/deploy/src/stack-engine.ts', 'libs/config/src/load.ts', 'tools/engine/versions.json']) {
      expect(hashing.get(file), file).toContain('network:validate');
    }
    expect(hashing.get('tools/drill/src/drill.ts')).toEqual([]);
    expect(hashing.get('tools/cli/src/commands/drift.ts'), 'another command').toEqual([]);
  });

  it('re-runs only the drill tests and those of its dependents when drill code changes', async () => {
    const hashing = await tasksHashing(['tools/drill/src/drill.ts'], ['test']);
    expect(hashing.get('tools/drill/src/drill.ts')).toEqual(['@platform/bench:test', '@platform/cli:test', '@platform/drill:test', '@platform/fixture-estate:test']);
  });

  it('keeps synth of every stack cached when only orchestration above synth changes', async () => {
    const hashing = await tasksHashing(['tools/delivery/src/promote.ts', 'tools/synth/src/synth-stack.ts'], ['synth']);
    expect(hashing.get('tools/delivery/src/promote.ts')).toEqual([]);
    expect(hashing.get('tools/synth/src/synth-stack.ts')).toContain('network:synth');
  });
});

/** An import line written into the copy (built here, so that the plugin's import scan of this file does not read it). */
const reexport = (name: string, project: string) => `export { ${name} } from '@platform/${project}';\n`;

describe('the layout of tools/: boundaries enforced by lint', () => {
  let copy: string;
  // Through Nx, as npm test runs it: the rule reads the project graph Nx computes first.
  const lint = (project: string) =>
    spawnSync('npx', ['nx', 'run', `${project}:lint`, '--skip-nx-cache', '--outputStyle=static'], { cwd: copy, encoding: 'utf8', env: { ...nxChildEnvironment(), FORCE_COLOR: '0' } });

  beforeAll(() => {
    copy = copyWorkspace(WORKSPACE, undefined, 'boundaries');
  });
  afterAll(() => removeWorkspaceCopy(copy));

  it('passes the layering as it is', () => {
    const result = lint('@platform/workspace');
    expect(result.status, result.stdout + result.stderr).toBe(0);
  }, 120_000);

  it('fails a reverse import (the workspace layer importing the drill) as a cycle', () => {
    appendFileSync(join(copy, 'tools/workspace/src/stacks.ts'), `\n${reexport('runDrill', 'drill')}`);
    const result = lint('@platform/workspace');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/Circular dependency between "@platform\/workspace" and "@platform\/drill" detected/);
  }, 120_000);

  it('fails a sideways import between two projects of one layer, and a library importing a tool', () => {
    writeFileSync(join(copy, 'tools/drift/src/sideways.ts'), reexport('backupEnvironmentState', 'state'));
    writeFileSync(join(copy, 'libs/networking/src/upwards.ts'), reexport('listStacks', 'workspace'));
    const result = lint('@platform/drift');
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/"layer:workflow" can only depend on/);
    const library = lint('@platform/networking');
    expect(library.status).toBe(1);
    expect(library.stdout).toMatch(/"type:lib" can only depend on libs tagged with "type:lib"/);
  }, 120_000);
});
