export {
  backupEnvironmentState,
  isAbsent,
  listStateSnapshots,
  parseState,
  readStateSnapshot,
  sha256Of,
  snapshotManifestKey,
  snapshotObjectKey,
  snapshotPrefix,
  STATE_SNAPSHOTS_DIR,
  type BackupEnvironmentStateOptions,
  type SnapshotAbsentState,
  type SnapshotStackEntry,
  type SnapshotState,
  type StateSnapshot,
} from './backup';
export { DEFAULT_STATE_BACKUP_DIR, registerStateCommands, STATE_BACKUP_VARIABLE, type StateCommandContext } from './commands';
export {
  restoreEnvironmentState,
  STUCK_LOCK_RUNBOOK,
  verifyRestoredState,
  type RestoredStack,
  type RestoreEnvironmentStateOptions,
  type StateMismatch,
  type StateRestoreResult,
} from './restore';
export { GCS_INTEROPERABILITY_ENDPOINT, openStateStore, stateLockKey, stateObjectKey } from './state-store';
