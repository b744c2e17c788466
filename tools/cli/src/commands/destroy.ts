import type { Command } from 'commander';
import { runRecorded } from './apply';
import { engineCommand } from './engine-command';
import { BREAK_GLASS_OPTION, STORE_OPTION_HELP } from './options';

export function registerDestroy(program: Command): void {
  engineCommand(program, 'destroy', 'Destroy a stack in one environment, recorded in the artifact store; staging and production need --break-glass with a reason.')
    .option(...BREAK_GLASS_OPTION)
    .option('--store <spec>', `where the run is recorded: ${STORE_OPTION_HELP}`)
    .action(async (stack: string, options: { env: string; breakGlass?: string; store?: string }) => {
      await runRecorded('destroy', stack, options);
    });
}
