import type { Command } from 'commander';

export function registerDocsGraph(program: Command): void {
  program
    .command('docs-graph')
    .description('Regenerate the stack graph diagram in docs/architecture.md from the Nx project graph.')
    .option('--check', 'fail if the diagram in the docs differs from the graph instead of writing it')
    .action(async (options: { check?: boolean }) => {
      const { readFileSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const { readNxGraph, replaceGeneratedGraph, stackGraphMermaid } = await import('@platform/docs');
      const { findEstateRoot } = await import('@platform/workspace');
      const workspaceRoot = findEstateRoot();
      const file = 'docs/architecture.md';
      const current = readFileSync(join(workspaceRoot, file), 'utf8');
      const updated = replaceGeneratedGraph(current, stackGraphMermaid(readNxGraph(workspaceRoot)), file);
      if (options.check) {
        if (updated !== current) {
          console.error(`${file}: the stack graph is stale; run: npx tsx tools/cli/bin/platform.mts docs-graph`);
          process.exitCode = 1;
        }
        return;
      }
      writeFileSync(join(workspaceRoot, file), updated);
      console.log(`${file}: stack graph ${updated === current ? 'already up to date' : 'updated'}`);
    });
}
