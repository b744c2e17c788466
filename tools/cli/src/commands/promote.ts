import type { Command } from 'commander';
import { BREAK_GLASS_OPTION, openArtifactStore, STORE_OPTION_HELP } from './options';
import { parseStackVersion } from './pipeline-promote';

export function registerPromote(program: Command): void {
  program
    .command('promote')
    .description("Deploy a published, signed artifact's bytes to an environment, after the same manifest succeeded in the environment before it (promotion.after); recorded as started, then completed. A rollback is a promotion of an earlier version. Needs PLATFORM_SIGNING_KEY to sign its record.")
    .argument('<stack@version>', 'e.g. network@1.4.0')
    .requiredOption('--to <environment>', 'target environment')
    .option(...BREAK_GLASS_OPTION)
    .option('--store <spec>', STORE_OPTION_HELP)
    .action(async (target: string, options: { to: string; breakGlass?: string; store?: string }) => {
      const { promote } = await import('@platform/delivery');
      const { breakGlassReason } = await import('@platform/deploy');
      const { findEstateRoot } = await import('@platform/workspace');
      const { stack, version } = parseStackVersion(target);
      const breakGlass = options.breakGlass === undefined ? undefined : breakGlassReason('--break-glass', options.breakGlass);
      const workspaceRoot = findEstateRoot();
      const store = await openArtifactStore(workspaceRoot, options.store);
      await promote({
        workspaceRoot,
        store,
        stack,
        version,
        to: options.to,
        ...(breakGlass ? { breakGlass } : {}),
        log: (line) => console.log(line),
      });
    });
}
