import type { Command } from 'commander';
import { UsageError } from '@platform/workspace';
import { openArtifactStore, STORE_OPTION_HELP } from './options';

export function registerPromote(program: Command): void {
  program
    .command('promote')
    .description("Deploy a published artifact's bytes to an environment, after the environment before it (promotion.after); a rollback is a promotion of an earlier version.")
    .argument('<stack@version>', 'e.g. network@1.4.0')
    .requiredOption('--to <environment>', 'target environment')
    .option('--break-glass <reason>', 'skip the promotion gate; the reason is recorded')
    .option('--store <spec>', STORE_OPTION_HELP)
    .action(async (target: string, options: { to: string; breakGlass?: string; store?: string }) => {
      const { promote } = await import('@platform/delivery');
      const { findWorkspaceRoot } = await import('@platform/workspace');
      const match = /^([a-z][a-z0-9-]+)@(.+)$/.exec(target);
      if (!match) throw new UsageError(`'${target}' must be <stack>@<version>, e.g. network@1.4.0`);
      const workspaceRoot = findWorkspaceRoot();
      const store = await openArtifactStore(workspaceRoot, options.store);
      await promote({
        workspaceRoot,
        store,
        stack: match[1]!,
        version: match[2]!,
        to: options.to,
        ...(options.breakGlass ? { breakGlass: { reason: options.breakGlass } } : {}),
        log: (line) => console.log(line),
      });
    });
}
