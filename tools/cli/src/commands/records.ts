import type { Command } from 'commander';
import { knownEnvironment, openArtifactStore, STORE_OPTION_HELP, wholeNumberOption } from './options';

export function registerRecords(program: Command): void {
  const records = program.command('records').description('The deploy records in the artifact store: every apply, destroy and promotion, started and completed.');
  records
    .command('list')
    .description('List the records of an environment (or every one), oldest first, with who ran what, the outcome and any break-glass reason.')
    .option('-e, --env <environment>', 'only this environment', knownEnvironment)
    .option('--stack <stack>', 'only this stack (with --env)')
    .option('--store <spec>', STORE_OPTION_HELP)
    .option('--json', 'print the records as JSON')
    .action(async (options: { env?: string; stack?: string; store?: string; json?: boolean }) => {
      const [{ listRecords, loadTrustedKeys }, { findEstateRoot, markdownTable }] = await Promise.all([import('@platform/delivery'), import('@platform/workspace')]);
      const root = findEstateRoot();
      const store = await openArtifactStore(root, options.store);
      const { records: list, rejected } = await listRecords(store, loadTrustedKeys(root), { ...(options.env ? { environment: options.env } : {}), ...(options.stack ? { stack: options.stack } : {}) });
      if (options.json) {
        console.log(JSON.stringify({ records: list, rejected }, null, 2));
        return;
      }
      console.log(
        markdownTable(
          ['Started', 'Stack', 'Environment', 'Operation', 'Version', 'Outcome', 'Actor', 'Signed by', 'Break-glass'],
          list.map((r) => [r.startedAt, r.stack, r.environment, r.kind, r.version ?? '-', r.repaired ? `${r.outcome} (repaired)` : r.outcome, r.actor, r.signedBy ?? 'unsigned', r.breakGlass?.reason ?? '']),
        ),
      );
      for (const r of rejected) console.log(`rejected: ${r.key} ${r.reason}`);
    });
  records
    .command('repair')
    .description("Complete the records of runs that started but never wrote their outcome (a store failure after an apply, a killed run), from the state: a plan of the recorded configuration shows no changes (succeeded) or some (failed); a destroy left nothing (succeeded). Runs holding the state lock are left alone.")
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)', knownEnvironment)
    .option('--stack <stack>', 'only this stack')
    .option('--min-age <minutes>', 'leave runs that started less than this long ago (they may still be going)', '10')
    .option('--store <spec>', STORE_OPTION_HELP)
    .action(async (options: { env: string; stack?: string; minAge: string; store?: string }) => {
      const [{ repairRecords }, { findEstateRoot }] = await Promise.all([import('@platform/delivery'), import('@platform/workspace')]);
      const root = findEstateRoot();
      const store = await openArtifactStore(root, options.store);
      const results = await repairRecords({
        workspaceRoot: root,
        store,
        environment: options.env,
        ...(options.stack ? { stack: options.stack } : {}),
        minAgeMinutes: wholeNumberOption('--min-age', options.minAge, 0),
        log: (line) => console.log(line),
      });
      const completed = results.filter((r) => r.action === 'completed').length;
      console.log(`${completed} record(s) completed, ${results.length - completed} left as started, in ${store.location}`);
    });
}
