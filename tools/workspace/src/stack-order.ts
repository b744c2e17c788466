import { listStacks, readStackManifest } from './stacks';
import { UsageError } from './errors';

/** Upstream stacks of each stack, from the `stack.upstream` lists of their package.json. */
export function readStackGraph(workspaceRoot: string): Map<string, readonly string[]> {
  return new Map(listStacks(workspaceRoot).map((stack) => [stack, readStackManifest(workspaceRoot, stack).upstream]));
}

/**
 * Stacks in layers: every stack comes after all of its upstream stacks, and the stacks of one
 * layer do not depend on each other (so they can run in parallel). Sorted within a layer for
 * stable output. A cycle is an error that names it.
 */
export function dependencyLayers(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  for (const [stack, upstream] of graph) {
    for (const name of upstream) {
      if (!graph.has(name)) throw new UsageError(`stacks/${stack}/package.json: key 'stack.upstream' names unknown stack '${name}'`);
    }
  }
  const layers: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < graph.size) {
    const layer = [...graph]
      .filter(([stack, upstream]) => !placed.has(stack) && upstream.every((name) => placed.has(name)))
      .map(([stack]) => stack)
      .sort();
    if (layer.length === 0) {
      const remaining = [...graph.keys()].filter((stack) => !placed.has(stack)).sort();
      throw new UsageError(`stack dependencies form a cycle among: ${remaining.join(', ')}`);
    }
    layer.forEach((stack) => placed.add(stack));
    layers.push(layer);
  }
  return layers;
}

/**
 * The graph cut down to `stacks` and every stack they read from, directly or through others:
 * what a plan of those stacks needs planned first. An unknown name is an error that names it.
 */
export function withUpstreams(graph: ReadonlyMap<string, readonly string[]>, stacks: readonly string[]): Map<string, readonly string[]> {
  const kept = new Map<string, readonly string[]>();
  const pending = [...stacks];
  while (pending.length > 0) {
    const stack = pending.pop()!;
    if (kept.has(stack)) continue;
    const upstream = graph.get(stack);
    if (!upstream) throw new UsageError(`'${stack}' is not a stack (stacks/${stack}/package.json does not exist)`);
    kept.set(stack, upstream);
    pending.push(...upstream);
  }
  return kept;
}
