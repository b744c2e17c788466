import type { Command } from 'commander';
import { registerStateBackup } from './state-backup';
import { registerStateRestore } from './state-restore';
import { registerStateSnapshots } from './state-snapshots';
import type { StateCommandContext } from './state-stores';

export { DEFAULT_STATE_BACKUP_DIR, STATE_BACKUP_VARIABLE, type StateCommandContext } from './state-stores';

/**
 * Adds `state-backup`, `state-restore` and `state-snapshots` to a program (one module each). The
 * libraries behind them load only when one of them runs.
 */
export function registerStateCommands(program: Command, context: StateCommandContext = {}): Command {
  registerStateBackup(program, context);
  registerStateRestore(program, context);
  registerStateSnapshots(program, context);
  return program;
}
