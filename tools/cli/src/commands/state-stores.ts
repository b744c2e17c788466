import type { EnvironmentConfig } from '@platform/config';
import type { ObjectStore } from '@platform/store';

/** Where snapshots go when neither --to/--from, PLATFORM_STATE_BACKUP nor the environment's `state.backups` names a store. */
export const DEFAULT_STATE_BACKUP_DIR = 'dist/state-backups';
/** The variable that names the backup store: `s3://bucket/prefix` or a local directory. */
export const STATE_BACKUP_VARIABLE = 'PLATFORM_STATE_BACKUP';

/** What the state commands read from their surroundings; tests give their own. */
export interface StateCommandContext {
  /** @default - the workspace around the working directory */
  readonly workspaceRoot?: string;
  /** Where the state credentials and the store settings are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where results are printed. @default console.log */
  readonly print?: (line: string) => void;
}

export const ENV_OPTION = ['-e, --env <environment>', 'environment (a folder under environments/)'] as const;

export const storeHelp = (flag: string) =>
  `${flag} store: gs://bucket/prefix, s3://bucket/prefix (PLATFORM_STORE_ENDPOINT for a non-AWS endpoint) or a local directory ` +
  `(default: $${STATE_BACKUP_VARIABLE}, else state.backups in the environment's environment.yaml, else ${DEFAULT_STATE_BACKUP_DIR})`;

export interface StateStores {
  readonly root: string;
  readonly environment: EnvironmentConfig;
  readonly state: ObjectStore;
  readonly backup: ObjectStore;
}

/** The surroundings of one state command: how it prints, finds the workspace and opens its stores. */
export class StateCommandRuntime {
  readonly print: (line: string) => void;
  readonly env: NodeJS.ProcessEnv;

  constructor(private readonly context: StateCommandContext) {
    this.print = context.print ?? ((line: string) => console.log(line));
    this.env = context.env ?? process.env;
  }

  async workspaceRoot(): Promise<string> {
    return this.context.workspaceRoot ?? (await import('@platform/workspace')).findEstateRoot();
  }

  /** The option's store, else $PLATFORM_STATE_BACKUP, else the environment's `state.backups`, else the local default. */
  async openBackupStore(spec: string | undefined, workspaceRoot: string, environment?: EnvironmentConfig): Promise<ObjectStore> {
    const { openConfiguredStore } = await import('@platform/store');
    const fromVariable = this.env[STATE_BACKUP_VARIABLE]?.trim();
    const chosen = spec ?? (fromVariable ? undefined : environment?.state.backups);
    return openConfiguredStore(workspaceRoot, chosen, { variable: STATE_BACKUP_VARIABLE, defaultDir: DEFAULT_STATE_BACKUP_DIR, env: this.env });
  }

  /** Opens the environment's state store and the backup store for `work`, and closes both after. */
  async withStores(name: string, spec: string | undefined, work: (stores: StateStores) => Promise<void>): Promise<void> {
    const { loadEnvironment } = await import('@platform/config');
    const { openStateStore } = await import('@platform/state');
    const root = await this.workspaceRoot();
    const environment = loadEnvironment(root, name);
    const state = openStateStore(environment, this.env);
    let backup: ObjectStore | undefined;
    try {
      backup = await this.openBackupStore(spec, root, environment);
      await work({ root, environment, state, backup });
    } finally {
      closeStores(state, backup);
    }
  }
}

/** Closes the connections of S3 stores; local ones hold none. */
export function closeStores(...stores: Array<ObjectStore | undefined>): void {
  for (const store of stores) (store as { destroy?: () => void } | undefined)?.destroy?.();
}
