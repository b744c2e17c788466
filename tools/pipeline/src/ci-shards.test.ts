import { describe, expect, it } from 'vitest';
import { estimateOf, githubMatrix, parseTimings, planShards, TimingsError, type CiTask, type CiTaskGraph } from './ci-shards';

const task = (project: string, target: string): CiTask => ({ id: `${project}:${target}`, project, target });

/** A workspace of `stacks` stacks (lint, typecheck, test, synth, validate after synth) and libraries. */
function generatedGraph(stacks: number, libraries = 20): CiTaskGraph {
  const tasks: CiTask[] = [];
  const dependencies: Record<string, string[]> = {};
  for (let i = 0; i < libraries; i++) for (const target of ['lint', 'typecheck', 'test']) tasks.push(task(`lib-${i}`, target));
  for (let i = 0; i < stacks; i++) {
    const stack = `gen-${i}`;
    for (const target of ['lint', 'typecheck', 'test', 'synth', 'validate']) tasks.push(task(stack, target));
    dependencies[`${stack}:validate`] = [`${stack}:synth`];
  }
  return { tasks, dependencies };
}

function shardOfEachTask(plan: ReturnType<typeof planShards>): Map<string, number[]> {
  const where = new Map<string, number[]>();
  for (const shard of plan.shards) for (const id of shard.tasks) where.set(id, [...(where.get(id) ?? []), shard.shard]);
  return where;
}

describe('splitting CI tasks over runners', () => {
  it('puts every task in exactly one shard, and all tasks of a project in the same one', () => {
    const graph = generatedGraph(206);
    const plan = planShards(graph, 4);
    const where = shardOfEachTask(plan);
    expect([...where.keys()].sort()).toEqual(graph.tasks.map((t) => t.id).sort());
    expect([...where.values()].every((shards) => shards.length === 1)).toBe(true);
    for (const shard of plan.shards) for (const id of shard.tasks) expect(shard.projects).toContain(id.split(':')[0]);
    expect(plan.stages).toBe(1);
  });

  it.each([2, 4, 8])('keeps %i shards of a 1,006-stack workspace within 20%% of each other by estimated time', (shards) => {
    const plan = planShards(generatedGraph(1006), shards);
    const times = plan.shards.map((s) => s.estimatedSeconds);
    expect(times).toHaveLength(shards);
    expect(Math.max(...times) / Math.min(...times)).toBeLessThanOrEqual(1.2);
  });

  it("stages the projects whose task waits for the same target of another project (^apply), in dependency order", () => {
    const tasks = ['network', 'security', 'database', 'app-service'].flatMap((stack) => [task(stack, 'synth'), task(stack, 'apply')]);
    const dependencies: Record<string, string[]> = {
      'network:apply': ['network:synth'],
      'security:apply': ['security:synth'],
      'database:apply': ['database:synth', 'network:apply', 'security:apply'],
      'app-service:apply': ['app-service:synth', 'database:apply'],
    };
    const plan = planShards({ tasks, dependencies }, 2);
    expect(plan.stages).toBe(3);
    const stageOf = (project: string) => plan.shards.find((s) => s.projects.includes(project))!.stage;
    expect([stageOf('network'), stageOf('security'), stageOf('database'), stageOf('app-service')]).toEqual([1, 1, 2, 3]);
    // synth goes with its project's apply: the runner that applies has the synthesized files.
    expect(plan.shards.find((s) => s.projects.includes('database'))!.tasks).toEqual(['database:apply', 'database:synth']);
    expect(githubMatrix(plan, 1).include.map((entry) => entry.projects).sort()).toEqual(['network', 'security']);
  });

  it("leaves another project's set-up task to every runner that needs it, adding no stage", () => {
    const tasks = [task('engine', 'setup'), task('engine', 'integration'), task('change', 'integration'), task('deploy', 'integration')];
    const dependencies = { 'engine:integration': ['engine:setup'], 'change:integration': ['engine:setup'], 'deploy:integration': ['engine:setup'] };
    const plan = planShards({ tasks, dependencies }, 3);
    expect(plan.stages).toBe(1);
    expect(plan.runWhereNeeded).toEqual(['engine:setup']);
    expect(plan.shards.flatMap((s) => s.tasks).sort()).toEqual(['change:integration', 'deploy:integration', 'engine:integration']);
  });

  it('makes no empty shard when there are fewer projects than shards', () => {
    const plan = planShards({ tasks: [task('a', 'lint')], dependencies: {} }, 4);
    expect(plan.shards).toHaveLength(1);
  });

  it('refuses a cycle and a shard count below one', () => {
    const tasks = [task('a', 'apply'), task('b', 'apply')];
    expect(() => planShards({ tasks, dependencies: { 'a:apply': ['b:apply'], 'b:apply': ['a:apply'] } }, 2)).toThrow(/cycle/);
    expect(() => planShards({ tasks, dependencies: {} }, 0)).toThrow(/at least 1/);
  });

  it("estimates a task by its own timing, else its target's, else the default for the target", () => {
    const synth = task('network', 'synth');
    expect(estimateOf(synth, { 'network:synth': 7, synth: 3 })).toBe(7);
    expect(estimateOf(synth, { synth: 3 })).toBe(3);
    expect(estimateOf(synth)).toBe(2.5);
    expect(estimateOf(task('x', 'unknown'))).toBe(5);
  });

  it('reads a timings file, naming the file and the key of a bad value', () => {
    expect(parseTimings('t.json', '{"synth": 2, "network:validate": 0}')).toEqual({ synth: 2, 'network:validate': 0 });
    expect(() => parseTimings('t.json', '{"synth": "fast"}')).toThrow(new TimingsError(`t.json: key 'synth' must be a number of seconds of at least 0, got "fast"`));
    expect(() => parseTimings('t.json', '[1]')).toThrow(/t\.json: must be an object/);
    expect(() => parseTimings('t.json', '{')).toThrow(/t\.json: not valid JSON/);
  });
});
