import type { Command } from 'commander';
import { openArtifactStore, STORE_OPTION_HELP } from './options';

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Which version of each stack every environment runs, how far it lags, and delivery metrics from the promotion records.')
    .option('--store <spec>', STORE_OPTION_HELP)
    .option('--json', 'print JSON instead of Markdown')
    .action(async (options: { store?: string; json?: boolean }) => {
      const { deliveryStatus, renderStatus } = await import('@platform/delivery');
      const { findWorkspaceRoot } = await import('@platform/workspace');
      const workspaceRoot = findWorkspaceRoot();
      const store = await openArtifactStore(workspaceRoot, options.store);
      const status = await deliveryStatus(workspaceRoot, store);
      console.log(options.json ? JSON.stringify(status, null, 2) : renderStatus(status));
    });
}
