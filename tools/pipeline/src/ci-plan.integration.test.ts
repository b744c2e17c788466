import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { copyWorkspaceAsRepository, removeWorkspaceCopy, TSX } from '@platform/testing';
import { dependencyLayers, readStackGraph } from '@platform/workspace';
import type { CiShard } from './ci-shards';
import { readNxTaskGraph } from './nx-task-graph';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

interface PrintedPlan {
  readonly stages: number;
  readonly matrix: { include: { stage: number; shard: number; projects: string }[] }[];
  readonly shards: CiShard[];
  readonly runWhereNeeded: string[];
}

function ciPlan(cwd: string, ...args: string[]): PrintedPlan {
  const result = spawnSync(process.execPath, [...TSX, 'tools/cli/bin/platform.mts', 'ci-plan', ...args], { cwd, encoding: 'utf8', env: nxChildEnvironment() });
  expect(result.status, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as PrintedPlan;
}

describe('platform ci-plan on the real task graph', () => {
  let copy: string;
  beforeAll(() => {
    copy = copyWorkspaceAsRepository(WORKSPACE, 'ci-plan');
  }, 120_000);
  afterAll(() => removeWorkspaceCopy(copy));

  it("shards every task of the pull request's targets exactly once, leaving the engine's set-up to each runner", () => {
    const targets = 'lint,typecheck,test,integration,synth,validate';
    const plan = ciPlan(copy, '--shards', '3', '-t', targets);
    const graph = readNxTaskGraph(copy, { targets: targets.split(',') });
    const sharded = plan.shards.flatMap((shard) => shard.tasks);
    expect(plan.runWhereNeeded).toEqual(['@platform/engine:setup']);
    expect([...sharded].sort()).toEqual(graph.tasks.map((t) => t.id).filter((id) => !plan.runWhereNeeded.includes(id)).sort());
    expect(new Set(sharded).size, 'no task twice').toBe(sharded.length);
    expect(plan.stages).toBe(1);
    expect(plan.matrix[0]!.include.map((entry) => entry.shard)).toEqual([1, 2, 3]);
    // A stack's validate reads what its synth wrote: both on the same runner.
    for (const shard of plan.shards) for (const id of shard.tasks.filter((t) => t.endsWith(':validate'))) expect(shard.tasks).toContain(id.replace(':validate', ':synth'));
  }, 120_000);

  it('stages the applies of an environment in the order of the stack graph', () => {
    const plan = ciPlan(copy, '--shards', '2', '-t', 'apply', '-c', 'dev');
    const layers = dependencyLayers(readStackGraph(copy));
    expect(plan.stages).toBe(layers.length);
    layers.forEach((layer, index) => {
      const projects = plan.shards.filter((shard) => shard.stage === index + 1).flatMap((shard) => shard.projects);
      expect(projects.sort(), `stage ${index + 1}`).toEqual([...layer].sort());
    });
  }, 120_000);

  it('plans nothing for a change that affects no project', () => {
    const plan = ciPlan(copy, '--shards', '2', '--base', 'HEAD', '--head', 'HEAD');
    expect(plan).toMatchObject({ stages: 0, matrix: [], shards: [] });
  }, 120_000);
});
