import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { dependencyLayers, readStackGraph, withUpstreams } from './stack-order';

describe('stack dependency order', () => {
  it('puts the macro stacks before the stacks that read them', () => {
    const layers = dependencyLayers(readStackGraph(findWorkspaceRoot(import.meta.dirname)));
    expect(layers).toEqual([
      ['bootstrap', 'project-baseline'],
      ['ci-identity', 'network', 'security'],
      ['app-service', 'database', 'gke-cluster', 'observability'],
      ['edge'],
    ]);
  });

  it('names a cycle', () => {
    const graph = new Map([['a', ['b']], ['b', ['a']], ['c', []]]);
    expect(() => dependencyLayers(graph)).toThrow(/cycle among: a, b/);
  });

  it('names an upstream that is not a stack', () => {
    expect(() => dependencyLayers(new Map([['a', ['ghost']]]))).toThrow(/stacks\/a\/package\.json: key 'stack\.upstream' names unknown stack 'ghost'/);
  });

  it('cuts the graph down to some stacks and everything they read, directly or not', () => {
    const graph = readStackGraph(findWorkspaceRoot(import.meta.dirname));
    expect(dependencyLayers(withUpstreams(graph, ['bootstrap']))).toEqual([['bootstrap']]);
    expect(dependencyLayers(withUpstreams(graph, ['database', 'bootstrap']))).toEqual([['bootstrap', 'project-baseline'], ['network', 'security'], ['database']]);
    expect(() => withUpstreams(graph, ['ghost'])).toThrow("'ghost' is not a stack");
  });
});
