import pLimit from 'p-limit';
import { InternalError, UsageError } from './errors';

export type GraphTaskResult<T> =
  | { readonly status: 'done'; readonly value: T }
  | { readonly status: 'failed'; readonly error: unknown }
  /** Not run: a stack it waits for failed or was skipped. */
  | { readonly status: 'skipped'; readonly blockedBy: string };

export interface RunGraphOptions {
  /** How many tasks run at once. */
  readonly concurrency: number;
  /** Run consumers before their upstreams (teardown). */
  readonly reverse?: boolean;
  /** Run a task even when one it waits for failed (teardown must still try everything). */
  readonly continueOnFailure?: boolean;
}

/**
 * Runs one task per stack, each as soon as the stacks it waits for are done (upstreams, or
 * consumers when reversed), at most `concurrency` at a time. A failed task does not stop
 * unrelated ones; the tasks that wait for it are skipped unless `continueOnFailure`.
 */
export async function runGraph<T>(
  graph: ReadonlyMap<string, readonly string[]>,
  task: (stack: string) => Promise<T>,
  options: RunGraphOptions,
): Promise<Map<string, GraphTaskResult<T>>> {
  const waitsFor = new Map<string, string[]>([...graph.keys()].map((stack) => [stack, []]));
  for (const [stack, upstream] of graph) {
    for (const name of upstream) {
      if (!graph.has(name)) throw new InternalError(`stack '${stack}' waits for unknown stack '${name}'`);
      if (options.reverse) waitsFor.get(name)!.push(stack);
      else waitsFor.get(stack)!.push(name);
    }
  }
  const limit = pLimit(options.concurrency);
  const results = new Map<string, GraphTaskResult<T>>();
  const running = new Map<string, Promise<GraphTaskResult<T>>>();
  const visiting = new Set<string>();

  const start = (stack: string): Promise<GraphTaskResult<T>> => {
    const existing = running.get(stack);
    if (existing) return existing;
    if (visiting.has(stack)) throw new UsageError(`stack dependencies form a cycle through '${stack}'`);
    visiting.add(stack);
    const dependencies = waitsFor.get(stack)!.map((name) => [name, start(name)] as const);
    const promise = (async (): Promise<GraphTaskResult<T>> => {
      for (const [name, dependency] of dependencies) {
        const outcome = await dependency;
        if (outcome.status !== 'done' && !options.continueOnFailure) return { status: 'skipped', blockedBy: name };
      }
      return limit(async () => {
        try {
          return { status: 'done', value: await task(stack) } as const;
        } catch (error) {
          return { status: 'failed', error } as const;
        }
      });
    })();
    running.set(stack, promise);
    return promise;
  };

  for (const stack of [...graph.keys()].sort()) start(stack);
  for (const stack of [...graph.keys()].sort()) results.set(stack, await running.get(stack)!);
  return results;
}
