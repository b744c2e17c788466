import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { dependencyLayers, readStackGraph } from './stack-order';

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
});
