import type { Command } from 'commander';
import type { DrillRto } from '@platform/delivery';
import type { ObjectStore } from '@platform/store';
import { openArtifactStore, STORE_OPTION_HELP } from './options';

/** The RTO of every drill kept in the store, per drill environment, oldest first. */
async function drillRecoveryTimes(workspaceRoot: string, store: ObjectStore): Promise<DrillRto[]> {
  const [{ listDrillReports }, { loadAllEnvironments }] = await Promise.all([import('@platform/drill'), import('@platform/config')]);
  const drills: DrillRto[] = [];
  for (const env of loadAllEnvironments(workspaceRoot).filter((e) => e.kind === 'drill')) {
    for (const report of await listDrillReports(store, env.name)) drills.push({ id: report.id, outcome: report.outcome, rtoSeconds: report.rtoSeconds });
  }
  return drills;
}

export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('Which version of each stack every environment runs, how far it lags, the DORA measures per stack and environment (lead time, deploy frequency, change-fail rate, time to restore) with a weekly trend, the break-glass log and the drills\' recovery times, from the records.')
    .option('--store <spec>', STORE_OPTION_HELP)
    .option('--json', 'print JSON instead of Markdown')
    .action(async (options: { store?: string; json?: boolean }) => {
      const { deliveryStatus, emptyStatusHint, renderStatus } = await import('@platform/delivery');
      const { findEstateRoot } = await import('@platform/workspace');
      const workspaceRoot = findEstateRoot();
      const store = await openArtifactStore(workspaceRoot, options.store);
      const status = await deliveryStatus(workspaceRoot, store);
      const drills = await drillRecoveryTimes(workspaceRoot, store);
      console.log(options.json ? JSON.stringify({ ...status, drills }, null, 2) : renderStatus(status, drills));
      const hint = emptyStatusHint(status, store.location);
      if (hint && !options.json) console.error(hint);
    });
}
