/**
 * Splitting the tasks of a CI run over runners: the tasks of one project stay together (their
 * outputs feed each other: validate reads what synth wrote), projects are spread over shards
 * by estimated time, and a task that needs the same target of another project first (`^apply`)
 * puts its project in a later stage than that one.
 */

/** A task of the Nx task graph: `<project>:<target>[:<configuration>]`. */
export interface CiTask {
  readonly id: string;
  readonly project: string;
  readonly target: string;
}

export interface CiTaskGraph {
  readonly tasks: readonly CiTask[];
  /** Task id to the ids of the tasks it needs first. */
  readonly dependencies: Readonly<Record<string, readonly string[]>>;
}

export interface CiShard {
  readonly stage: number;
  readonly shard: number;
  readonly projects: readonly string[];
  readonly tasks: readonly string[];
  readonly estimatedSeconds: number;
}

export interface CiPlan {
  readonly stages: number;
  readonly shards: readonly CiShard[];
  /**
   * Tasks another project's tasks need but that are not sharded themselves: a machine's set-up
   * (the engine's `setup` for the integration tests), which Nx runs on every runner that needs it.
   */
  readonly runWhereNeeded: readonly string[];
}

/** Seconds a task of each target takes on a 2-core runner, when no timings of earlier runs are given. */
export const DEFAULT_TARGET_SECONDS: Readonly<Record<string, number>> = {
  lint: 4,
  typecheck: 5,
  test: 6,
  integration: 60,
  synth: 2.5,
  validate: 4,
  plan: 8,
  apply: 20,
  setup: 2,
};

/** What a task is estimated to take: its own timing, else its target's, else the default for the target, else 5 s. */
export function estimateOf(task: CiTask, timings: Readonly<Record<string, number>> = {}): number {
  return timings[task.id] ?? timings[task.target] ?? DEFAULT_TARGET_SECONDS[task.target] ?? 5;
}

/**
 * Whether a dependency orders whole projects across runners: the same target of another
 * project (`^apply`: the upstream stack applies first). A dependency on another target of
 * another project (integration on the engine's setup) is a prerequisite Nx runs on the runner
 * that needs it.
 */
function ordersProjects(from: CiTask, to: CiTask): boolean {
  return from.project !== to.project && from.target === to.target;
}

/** The stage of every project: 1, or one more than the latest stage of a project it waits for. */
function projectStages(graph: CiTaskGraph, byId: ReadonlyMap<string, CiTask>, projects: readonly string[]): Map<string, number> {
  const waitsFor = new Map(projects.map((project) => [project, new Set<string>()]));
  for (const task of graph.tasks) {
    for (const id of graph.dependencies[task.id] ?? []) {
      const dependency = byId.get(id);
      if (dependency && ordersProjects(task, dependency)) waitsFor.get(task.project)?.add(dependency.project);
    }
  }
  const stages = new Map<string, number>();
  const visiting = new Set<string>();
  const stageOf = (project: string): number => {
    const known = stages.get(project);
    if (known !== undefined) return known;
    if (visiting.has(project)) throw new Error(`the task graph has a cycle through ${project}`);
    visiting.add(project);
    const stage = 1 + Math.max(0, ...[...(waitsFor.get(project) ?? [])].filter((p) => waitsFor.has(p)).map(stageOf));
    visiting.delete(project);
    stages.set(project, stage);
    return stage;
  };
  for (const project of projects) stageOf(project);
  return stages;
}

/**
 * Tasks another project's task needs, of another target: set-up that every runner does for
 * itself (Nx runs it before the tasks that need it, on whichever runner they are).
 */
function prerequisites(graph: CiTaskGraph, byId: ReadonlyMap<string, CiTask>): Set<string> {
  const found = new Set<string>();
  for (const task of graph.tasks) {
    for (const id of graph.dependencies[task.id] ?? []) {
      const dependency = byId.get(id);
      if (dependency && dependency.project !== task.project && dependency.target !== task.target) found.add(id);
    }
  }
  return found;
}

/**
 * Splits the task graph into at most `shards` shards per stage, balanced by estimated time:
 * the projects of a stage, longest first, each to the shard with the least time so far.
 */
export function planShards(graph: CiTaskGraph, shards: number, timings: Readonly<Record<string, number>> = {}): CiPlan {
  if (!Number.isInteger(shards) || shards < 1) throw new Error(`shards must be a whole number of at least 1, got ${shards}`);
  const byId = new Map(graph.tasks.map((task) => [task.id, task]));
  const setUp = prerequisites(graph, byId);
  const sharded = graph.tasks.filter((task) => !setUp.has(task.id));
  const tasksOf = new Map<string, CiTask[]>();
  for (const task of sharded) tasksOf.set(task.project, [...(tasksOf.get(task.project) ?? []), task]);
  const projects = [...tasksOf.keys()].sort();
  const stages = projectStages({ tasks: sharded, dependencies: graph.dependencies }, byId, projects);
  const costOf = (project: string) => tasksOf.get(project)!.reduce((sum, task) => sum + estimateOf(task, timings), 0);

  const result: CiShard[] = [];
  const stageCount = Math.max(0, ...stages.values());
  for (let stage = 1; stage <= stageCount; stage++) {
    const inStage = projects.filter((project) => stages.get(project) === stage).sort((a, b) => costOf(b) - costOf(a) || a.localeCompare(b));
    const bins = Array.from({ length: Math.min(shards, inStage.length) }, () => ({ projects: [] as string[], seconds: 0 }));
    for (const project of inStage) {
      const lightest = bins.reduce((best, bin) => (bin.seconds < best.seconds ? bin : best));
      lightest.projects.push(project);
      lightest.seconds += costOf(project);
    }
    bins.forEach((bin, index) =>
      result.push({
        stage,
        shard: index + 1,
        projects: [...bin.projects].sort(),
        tasks: bin.projects.flatMap((project) => tasksOf.get(project)!.map((task) => task.id)).sort(),
        estimatedSeconds: Math.round(bin.seconds * 10) / 10,
      }),
    );
  }
  return { stages: stageCount, shards: result, runWhereNeeded: [...setUp].sort() };
}

/** A GitHub Actions matrix (`strategy.matrix: ${{ fromJSON(...) }}`) of one stage's shards. */
export function githubMatrix(plan: CiPlan, stage: number): { include: { stage: number; shard: number; projects: string; estimate: number }[] } {
  return {
    include: plan.shards
      .filter((shard) => shard.stage === stage)
      .map((shard) => ({ stage: shard.stage, shard: shard.shard, projects: shard.projects.join(','), estimate: shard.estimatedSeconds })),
  };
}

/** Reads a timings file: seconds by task id (`network:synth`) or by target (`synth`). */
export function parseTimings(file: string, text: string): Record<string, number> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new TimingsError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TimingsError(`${file}: must be an object of seconds by task id or target, e.g. {"synth": 2.5}`);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new TimingsError(`${file}: key '${key}' must be a number of seconds of at least 0, got ${JSON.stringify(value)}`);
  }
  return raw as Record<string, number>;
}

export class TimingsError extends Error {}
