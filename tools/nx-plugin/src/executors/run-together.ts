import type { ExecutorContext, TaskGraph } from '@nx/devkit';

/** How one task ended, and what it printed. */
export interface TaskEnd {
  readonly success: boolean;
  readonly terminalOutput: string;
}

/** Runs many tasks at once in the workspace: each task's value in, each task's end out, by task. */
export type RunTogether<Value> = (workspaceRoot: string, tasks: ReadonlyMap<string, Value>) => Map<string, TaskEnd> | Promise<Map<string, TaskEnd>>;

/** The executor of one task on its own (`nx run <project>:<target>` where no batch applies), through `runTogether`. */
export function singleTask<Options, Value>(pick: (options: Options) => Value, runTogether: RunTogether<Value>) {
  return async (options: Options, context: ExecutorContext): Promise<{ success: boolean }> => {
    const result = (await runTogether(context.root, new Map([['task', pick(options)]]))).get('task')!;
    process.stdout.write(result.terminalOutput);
    return { success: result.success };
  };
}

/**
 * Nx's batch implementation over `runTogether`: the tasks of one Nx run, all at once. Each task
 * is yielded on its own, so that Nx prints its output under its own header and caches it alone
 * (a batch that returns all results in one promise gets nothing printed).
 */
export function batchOfTasks<Options, Value>(pick: (options: Options) => Value, runTogether: RunTogether<Value>) {
  return async function* (_taskGraph: TaskGraph, inputs: Record<string, Options>, _overrides: unknown, context: ExecutorContext): AsyncGenerator<{ task: string; result: TaskEnd }> {
    const results = await runTogether(context.root, new Map(Object.entries(inputs).map(([task, options]) => [task, pick(options)])));
    for (const [task, result] of results) yield { task, result };
  };
}
