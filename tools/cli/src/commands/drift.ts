import type { Command } from 'commander';
import { withOwnExitCodes } from '@platform/workspace';
import { openArtifactStore, STORE_OPTION_HELP, wholeNumberOption } from './options';

/** Drift keeps its own codes: a scheduled job tells "drift found" from "could not check". */
export const DRIFT_COMMAND_EXIT_CODES = [
  [0, 'every stack is in sync'],
  [2, 'drift found in at least one stack'],
  [1, 'a stack could not be checked, or the input was wrong'],
] as const;

export function registerDrift(program: Command): void {
  const command = program
    .command('drift')
    .description('Check an environment for drift: refresh-only plans of every stack (or the named ones), never applied. Exit 0 in sync, 2 drift found, 1 a stack could not be checked.')
    .argument('[stacks...]', 'only these stacks (default: every stack)')
    .requiredOption('-e, --env <environment>', 'environment (a folder under environments/)')
    .option('--store <spec>', `where reports are kept, for drift age: ${STORE_OPTION_HELP}`)
    .option('--concurrency <n>', 'stacks checked at once', '4')
    .option('--json', 'print the report as JSON instead of Markdown')
    .action(async (stacks: string[], options: { env: string; store?: string; concurrency: string; json?: boolean }) => {
      const { checkEnvironmentDrift, DRIFT_EXIT_CODES, renderDriftReport, saveDriftReport, writeDriftReportFiles } = await import('@platform/drift');
      const { findEstateRoot } = await import('@platform/workspace');
      const concurrency = wholeNumberOption('--concurrency', options.concurrency);
      const workspaceRoot = findEstateRoot();
      const store = await openArtifactStore(workspaceRoot, options.store);
      const report = await checkEnvironmentDrift({ workspaceRoot, environment: options.env, stacks, store, concurrency, log: (line) => console.error(line) });
      const markdown = renderDriftReport(report);
      const files = writeDriftReportFiles(workspaceRoot, report, markdown);
      await saveDriftReport(store, report, markdown);
      console.log(options.json ? JSON.stringify(report, null, 2) : markdown);
      console.error(`report: ${files.markdown}, ${files.json}; kept in ${store.location}`);
      process.exitCode = DRIFT_EXIT_CODES[report.outcome];
    });
  withOwnExitCodes(command, DRIFT_COMMAND_EXIT_CODES, 1);
}
