import type { Command } from 'commander';
import { engineCommand, log } from './engine-command';
import { BREAK_GLASS_OPTION, openArtifactStore, STORE_OPTION_HELP } from './options';

export function registerApply(program: Command): void {
  engineCommand(program, 'apply', 'Plan and apply a stack in one environment from the working tree (the saved plan is what is applied), recorded in the artifact store; staging and production take only promotions.')
    .option(...BREAK_GLASS_OPTION)
    .option('--store <spec>', `where the run is recorded: ${STORE_OPTION_HELP}`)
    .action(async (stack: string, options: { env: string; breakGlass?: string; store?: string }) => {
      await runRecorded('apply', stack, options);
    });
}

/** An apply or destroy of the working tree through the recorded path, as the commands run it. */
export async function runRecorded(operation: 'apply' | 'destroy', stack: string, options: { env: string; breakGlass?: string; store?: string }): Promise<void> {
  const [{ runRecordedStackOperation }, { breakGlassReason }, { findEstateRoot }] = await Promise.all([
    import('@platform/delivery'),
    import('@platform/deploy'),
    import('@platform/workspace'),
  ]);
  const breakGlass = options.breakGlass === undefined ? undefined : breakGlassReason('--break-glass', options.breakGlass);
  const workspaceRoot = findEstateRoot();
  const store = await openArtifactStore(workspaceRoot, options.store);
  await runRecordedStackOperation({ workspaceRoot, store, stack, environment: options.env, operation, ...(breakGlass ? { breakGlass } : {}), log });
}
