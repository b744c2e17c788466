import type { Command } from 'commander';
import { UsageError } from '@platform/workspace';
import { BREAK_GLASS_OPTION, knownEnvironment, openArtifactStore, STORE_OPTION_HELP } from './options';

/** `network@1.4.0` as a stack and a version. */
export function parseStackVersion(text: string): { stack: string; version: string } {
  const match = /^([a-z][a-z0-9-]+)@(.+)$/.exec(text);
  if (!match) throw new UsageError(`'${text}' must be <stack>@<version>, e.g. network@1.4.0`);
  return { stack: match[1]!, version: match[2]! };
}

export function registerPipelinePromote(pipeline: Command): void {
  pipeline
    .command('promote')
    .description(
      "The promote workflow's step: promote to an environment every version waiting in the one before it (or the given versions, e.g. a rollback), " +
        'in dependency order, after the gates: the same manifest succeeded before and soaked (promotion.after, promotion.soak), and the target has not drifted from what it runs.',
    )
    .argument('[stack@version...]', 'only these versions (an earlier one is a rollback); default: every version waiting')
    .requiredOption('--to <environment>', 'target environment', knownEnvironment)
    .option(...BREAK_GLASS_OPTION)
    .option('--store <spec>', STORE_OPTION_HELP)
    .action(async (targets: string[], options: { to: string; breakGlass?: string; store?: string }) => {
      const [{ promoteThroughPipeline }, { breakGlassReason }, { findEstateRoot, markdownTable }] = await Promise.all([
        import('@platform/pipeline'),
        import('@platform/deploy'),
        import('@platform/workspace'),
      ]);
      const breakGlass = options.breakGlass === undefined ? undefined : breakGlassReason('--break-glass', options.breakGlass);
      const workspaceRoot = findEstateRoot();
      const store = await openArtifactStore(workspaceRoot, options.store);
      const outcomes = await promoteThroughPipeline({
        workspaceRoot,
        store,
        to: options.to,
        ...(targets.length > 0 ? { targets: targets.map(parseStackVersion) } : {}),
        ...(breakGlass ? { breakGlass } : {}),
        log: (line) => console.error(line),
      });
      console.log(markdownTable(['Stack', 'Version', 'Environment', 'Kind', 'Record'], outcomes.map((o) => [o.stack, o.version, options.to, o.kind, o.record])));
    });
}
