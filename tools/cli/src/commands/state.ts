import type { Command } from 'commander';
import type { EnvironmentConfig } from '@platform/config';
import type { ObjectStore } from '@platform/store';
import { ExternalError } from '@platform/workspace';

/** Where snapshots go when neither --to/--from nor PLATFORM_STATE_BACKUP names a store. */
export const DEFAULT_STATE_BACKUP_DIR = 'dist/state-backups';
/** The variable that names the backup store: `s3://bucket/prefix` or a local directory. */
export const STATE_BACKUP_VARIABLE = 'PLATFORM_STATE_BACKUP';

/** What the commands read from their surroundings; tests give their own. */
export interface StateCommandContext {
  /** @default - the workspace around the working directory */
  readonly workspaceRoot?: string;
  /** Where the state credentials and the store settings are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Where results are printed. @default console.log */
  readonly print?: (line: string) => void;
}

const ENV_OPTION = ['-e, --env <environment>', 'environment (a folder under environments/)'] as const;
const storeHelp = (flag: string) =>
  `${flag} store: s3://bucket/prefix (PLATFORM_STORE_ENDPOINT for a non-AWS endpoint) or a local directory (default: $${STATE_BACKUP_VARIABLE} or ${DEFAULT_STATE_BACKUP_DIR})`;

/**
 * Adds `state-backup`, `state-restore` and `state-snapshots` to a program. The modules behind them
 * load only when one of them runs.
 */
export function registerStateCommands(program: Command, context: StateCommandContext = {}): Command {
  const print = context.print ?? ((line: string) => console.log(line));
  const env = context.env ?? process.env;
  const workspaceRoot = async () => context.workspaceRoot ?? (await import('@platform/workspace')).findWorkspaceRoot();

  program
    .command('state-backup')
    .description("Snapshot the state of every stack of an environment into the backup store; a snapshot is never overwritten, and exists once its manifest is written.")
    .requiredOption(...ENV_OPTION)
    .option('--to <spec>', storeHelp('backup'))
    .action(async (options: { env: string; to?: string }) => {
      const { listStacks } = await import('@platform/workspace');
      const { backupEnvironmentState } = await import('@platform/state');
      await withStores(options.env, options.to, async ({ root, environment, state, backup }) => {
        // Its last line names the snapshot: `snapshot <id> of <env>: …`.
        await backupEnvironmentState({ workspaceRoot: root, environment: environment.name, stacks: listStacks(root), state, backup, log: print });
      });
    });

  program
    .command('state-restore')
    .description('Put the state of an environment back as a snapshot recorded it, after verifying every object; refused while an engine holds a state lock.')
    .requiredOption(...ENV_OPTION)
    .requiredOption('--snapshot <id>', 'snapshot id, e.g. 20261122T051500Z-3f9a (see state-snapshots)')
    .option('--stack <stacks...>', 'only these stacks (default: every stack of the snapshot)')
    .option('--from <spec>', storeHelp('backup'))
    .action(async (options: { env: string; snapshot: string; stack?: string[]; from?: string }) => {
      const { restoreEnvironmentState, verifyRestoredState } = await import('@platform/state');
      await withStores(options.env, options.from, async ({ environment, state, backup }) => {
        const result = await restoreEnvironmentState({
          environment: environment.name,
          snapshotId: options.snapshot,
          state,
          backup,
          ...(options.stack ? { stacks: options.stack } : {}),
          log: print,
        });
        const stacks = result.stacks.map((s) => s.stack);
        const check = await verifyRestoredState({ snapshot: result.snapshot, state, stacks });
        if (!check.ok) {
          const list = check.mismatches.map((m) => `${m.stack} (${m.key}: ${m.actual.slice(0, 12)}, expected ${m.expected.slice(0, 12)})`);
          throw new ExternalError(`the state bucket does not match snapshot ${options.snapshot} after the restore: ${list.join(', ')}`);
        }
        print(`restored ${stacks.length} stack(s) of ${environment.name} from snapshot ${options.snapshot}; verified against its manifest`);
        print(`next: plan each stack and expect no changes, e.g. npx nx run ${stacks[0]}:plan:${environment.name}`);
      });
    });

  program
    .command('state-snapshots')
    .description('List the complete state snapshots of an environment, oldest first.')
    .requiredOption(...ENV_OPTION)
    .option('--from <spec>', storeHelp('backup'))
    .option('--json', 'print the manifests as JSON')
    .action(async (options: { env: string; from?: string; json?: boolean }) => {
      const { listStateSnapshots, isAbsent } = await import('@platform/state');
      const root = await workspaceRoot();
      const backup = await openBackupStore(options.from, root, env);
      try {
        const snapshots = await listStateSnapshots(backup, options.env);
        if (options.json) {
          print(JSON.stringify(snapshots, null, 2));
          return;
        }
        if (snapshots.length === 0) {
          print(`no state snapshots of ${options.env} in ${backup.location}`);
          return;
        }
        for (const snapshot of snapshots) {
          const entries = Object.values(snapshot.stacks);
          const absent = entries.filter(isAbsent).length;
          print(`${snapshot.id}  ${snapshot.takenAt}  ${entries.length - absent} state(s), ${absent} absent`);
        }
      } finally {
        close(backup);
      }
    });

  return program;

  /** Opens the environment's state store and the backup store for `work`, and closes both after. */
  async function withStores(
    name: string,
    spec: string | undefined,
    work: (stores: { root: string; environment: EnvironmentConfig; state: ObjectStore; backup: ObjectStore }) => Promise<void>,
  ): Promise<void> {
    const { loadEnvironment } = await import('@platform/config');
    const { openStateStore } = await import('@platform/state');
    const root = await workspaceRoot();
    const environment = loadEnvironment(root, name);
    const state = openStateStore(environment, env);
    let backup: ObjectStore | undefined;
    try {
      backup = await openBackupStore(spec, root, env);
      await work({ root, environment, state, backup });
    } finally {
      close(state, backup);
    }
  }
}

async function openBackupStore(spec: string | undefined, workspaceRoot: string, env: NodeJS.ProcessEnv): Promise<ObjectStore> {
  const { openConfiguredStore } = await import('@platform/store');
  return openConfiguredStore(workspaceRoot, spec, { variable: STATE_BACKUP_VARIABLE, defaultDir: DEFAULT_STATE_BACKUP_DIR, env });
}

/** Closes the connections of S3 stores; local ones hold none. */
function close(...stores: Array<ObjectStore | undefined>): void {
  for (const store of stores) (store as { destroy?: () => void } | undefined)?.destroy?.();
}
