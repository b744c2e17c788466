import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { readNxGraph, replaceGeneratedGraph, stackGraphMermaid } from './stack-graph';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

describe('stack graph in the docs', () => {
  it('matches the Nx project graph (run `platform docs-graph` after adding a stack)', () => {
    const file = 'docs/architecture.md';
    const current = readFileSync(join(WORKSPACE, file), 'utf8');
    expect(replaceGeneratedGraph(current, stackGraphMermaid(readNxGraph(WORKSPACE)), file)).toBe(current);
  }, 60_000);

  it('draws only stack-to-stack edges, grouped by layer from foundation to service', () => {
    const graph = {
      nodes: {
        web: { data: { root: 'stacks/web', tags: ['type:stack', 'layer:service'] } },
        net: { data: { root: 'stacks/net', tags: ['type:stack', 'layer:macro'] } },
        '@platform/core': { data: { root: 'libs/core', tags: ['type:lib'] } },
      },
      dependencies: { web: [{ target: 'net' }, { target: '@platform/core' }], net: [] },
    };
    expect(stackGraphMermaid(graph)).toBe(
      ['```mermaid', 'flowchart LR', '  subgraph macro', '    net["net"]', '  end', '  subgraph service', '    web["web"]', '  end', '  net --> web', '```'].join('\n'),
    );
  });

  it('refuses a document without the markers', () => {
    expect(() => replaceGeneratedGraph('# x', 'graph', 'docs/x.md')).toThrow(/docs\/x\.md: the stack graph markers are missing/);
  });
});
