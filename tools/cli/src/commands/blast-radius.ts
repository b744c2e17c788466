import type { Command } from 'commander';
import { scopeOfChange, synthesizeHead } from './synthesize-head';

export function registerBlastRadius(program: Command): void {
  program
    .command('blast-radius')
    .description('Report what base..head changes, offline: stacks per environment, resources and attributes, consumers, apply order, a Mermaid graph.')
    .requiredOption('--base <ref>', 'base commit (in CI: the merge base, e.g. origin/main)')
    .option('--head <ref>', 'head commit (must be checked out)', 'HEAD')
    .option('--json', 'print JSON instead of Markdown')
    .action(async (options: { base: string; head: string; json?: boolean }) => {
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const [{ findEstateRoot }, { awaitedLater }] = await Promise.all([import('@platform/config/nx'), import('@platform/workspace/run-in-background')]);
      const workspaceRoot = findEstateRoot();
      // nx affected starts before the libraries load; the base's synth process starts at once and
      // loads the base's code while nx affected runs.
      const scoping = awaitedLater(scopeOfChange(workspaceRoot, options.base, options.head));
      const { blastRadius, renderBlastRadius, synthesizeAt } = await import('@platform/change');
      const { readStackGraph } = await import('@platform/workspace');
      const atBase = awaitedLater(synthesizeAt(workspaceRoot, options.base, scoping.then((s) => s.candidates)));
      const scope = await scoping;
      await synthesizeHead(workspaceRoot, scope.candidatesAtHead, 'computing the blast radius', atBase);
      const report = blastRadius(workspaceRoot, options.base, options.head, { scope, atBase: await atBase });
      const markdown = renderBlastRadius(report, readStackGraph(workspaceRoot));
      const dir = join(workspaceRoot, 'dist/reports');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'blast-radius.json'), `${JSON.stringify(report, null, 2)}\n`);
      writeFileSync(join(dir, 'blast-radius.md'), markdown);
      console.log(options.json ? JSON.stringify(report, null, 2) : markdown);
      console.error('report: dist/reports/blast-radius.md, dist/reports/blast-radius.json');
    });
}
