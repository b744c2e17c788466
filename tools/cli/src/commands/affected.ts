import type { Command } from 'commander';
import { scopeOfChange, synthesizeHead } from './synthesize-head';

export function registerAffected(program: Command): void {
  program
    .command('affected')
    .description('Stacks affected between two commits: as nx affected sees them, and narrowed to those whose synthesized output (or engine) changes.')
    .requiredOption('--base <ref>', 'base commit (in CI: the merge base, e.g. origin/main)')
    .option('--head <ref>', 'head commit (must be checked out)', 'HEAD')
    .option('--json', 'print JSON instead of Markdown')
    .action(async (options: { base: string; head: string; json?: boolean }) => {
      const [{ findEstateRoot }, { awaitedLater }] = await Promise.all([import('@platform/config/nx'), import('@platform/workspace/run-in-background')]);
      const workspaceRoot = findEstateRoot();
      // nx affected starts before the libraries load. Only the stacks whose output can differ are
      // synthesized, at the head and at the base, at once; the base's synth process starts at once
      // and loads the base's code while nx affected runs.
      const scoping = awaitedLater(scopeOfChange(workspaceRoot, options.base, options.head));
      const { computeAffected, synthesizeAt } = await import('@platform/change');
      const { markdownTable } = await import('@platform/workspace');
      const atBase = awaitedLater(synthesizeAt(workspaceRoot, options.base, scoping.then((s) => s.candidates)));
      const scope = await scoping;
      await synthesizeHead(workspaceRoot, scope.candidatesAtHead, 'computing affected stacks', atBase);
      const report = computeAffected(workspaceRoot, options.base, options.head, scope, await atBase);
      if (options.json) {
        console.log(JSON.stringify(report, null, 2));
        return;
      }
      console.log(`nx affected stacks: ${report.plain.join(', ') || 'none'}\n`);
      console.log(
        markdownTable(
          ['Stack', 'Why', 'Environments'],
          report.effective.map((a) => [a.stack, a.reason, a.environments.join(', ')]),
        ),
      );
    });
}
