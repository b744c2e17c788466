import type { Command } from 'commander';
import { knownEnvironment, openArtifactStore, STORE_OPTION_HELP } from './options';

export function registerPipelineApply(pipeline: Command): void {
  pipeline
    .command('apply')
    .description(
      "The merge's step: apply to a development environment the plans reviewed on the pull request, in dependency order, while the state each was made against is unchanged " +
        '(else plan again and apply only the same resource changes); then the consumers that read a changed output, and the destroys of deleted stacks. Every run is recorded.',
    )
    .requiredOption('-e, --env <environment>', 'a development environment (a folder under environments/)', knownEnvironment)
    .option('--reviewed <dir>', "the pull request's review (default: dist/pipeline of the estate)")
    .option('--store <spec>', `where the runs are recorded: ${STORE_OPTION_HELP}`)
    .action(async (options: { env: string; reviewed?: string; store?: string }) => {
      const { join, resolve } = await import('node:path');
      const [{ applyReviewed, REVIEWED_PLANS_DIR }, { findEstateRoot, markdownTable }] = await Promise.all([import('@platform/pipeline'), import('@platform/workspace')]);
      const root = findEstateRoot();
      const store = await openArtifactStore(root, options.store);
      const dir = options.reviewed ? resolve(options.reviewed) : join(root, REVIEWED_PLANS_DIR);
      const result = await applyReviewed({ workspaceRoot: root, store, environment: options.env, dir, log: (line) => console.error(line) });
      console.log(
        markdownTable(
          ['Stack', 'Operation', 'How', 'Added', 'Changed', 'Destroyed', 'Outputs changed'],
          result.applied.map((a) => [a.stack, a.operation, a.how, String(a.changes.add), String(a.changes.change), String(a.changes.remove), a.changedOutputs.join(', ') || 'none']),
        ),
      );
      for (const stack of result.leftAlone) console.log(`left alone: ${stack.stack} (reads ${stack.reads.join(', ') || 'nothing'} of what changed; none of it changed)`);
      console.log(`${result.applied.length} run(s) recorded in ${store.location}`);
    });
}
