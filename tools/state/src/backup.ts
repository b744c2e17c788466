import { createHash } from 'node:crypto';
import { environmentSchema, loadEnvironment } from '@platform/config';
import { assertValidKey, type ObjectStore } from '@platform/store';
import { z } from 'zod';
import { ExternalError, runId, UsageError } from '@platform/workspace';
import { stateLockKey, stateObjectKey } from './state-store';

/** Folder of the backup store that holds every snapshot, one folder per environment. */
export const STATE_SNAPSHOTS_DIR = 'state-snapshots';

/** A stack's state as it was when the snapshot was taken. */
export interface SnapshotState {
  /** Key of the state object in the state bucket, where a restore writes it back. */
  readonly key: string;
  readonly sha256: string;
  readonly size: number;
  /** The state's own serial and lineage, to tell states apart without reading them. */
  readonly serial: number;
  readonly lineage: string;
  /**
   * The generation of the state object that was read, where the state store has generations
   * (Cloud Storage): which object version the snapshot holds, for a bucket with versioning.
   */
  readonly generation?: string;
}

/** A stack that had no state object when the snapshot was taken (never applied, or destroyed and removed). */
export interface SnapshotAbsentState {
  readonly key: string;
  readonly absent: true;
}

export type SnapshotStackEntry = SnapshotState | SnapshotAbsentState;

/** The manifest of a snapshot; written last, so a snapshot exists for readers only once it is complete. */
export interface StateSnapshot {
  readonly schemaVersion: 1;
  /** Sortable id, e.g. 20261122T051500Z-3f9a. */
  readonly id: string;
  readonly environment: string;
  /** ISO time the snapshot was started. */
  readonly takenAt: string;
  readonly stacks: Readonly<Record<string, SnapshotStackEntry>>;
}

export interface BackupEnvironmentStateOptions {
  /** Where `environments/<environment>/environment.yaml` says where each stack's state is. */
  readonly workspaceRoot: string;
  readonly environment: string;
  readonly stacks: readonly string[];
  /** The environment's state bucket (see `openStateStore`). */
  readonly state: ObjectStore;
  /** Where snapshots are kept; ideally a versioned bucket apart from the state bucket. */
  readonly backup: ObjectStore;
  /** @default () => new Date() */
  readonly now?: () => Date;
  readonly log: (line: string) => void;
}

const SNAPSHOT_ID = /^\d{8}T\d{6}Z-[0-9a-f]{4,}$/;
const STACK_NAME = /^[a-z][a-z0-9-]*$/;

export function isAbsent(entry: SnapshotStackEntry): entry is SnapshotAbsentState {
  return 'absent' in entry && entry.absent === true;
}

export function snapshotPrefix(environment: string): string {
  return `${STATE_SNAPSHOTS_DIR}/${environment}/`;
}

export function snapshotManifestKey(environment: string, id: string): string {
  return `${snapshotPrefix(environment)}${id}/manifest.json`;
}

export function snapshotObjectKey(environment: string, id: string, stack: string): string {
  return `${snapshotPrefix(environment)}${id}/${stack}.tfstate`;
}

export function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Copies the state object of every stack of an environment into a new snapshot in the backup
 * store: `state-snapshots/<env>/<id>/<stack>.tfstate`, then the manifest
 * (`state-snapshots/<env>/<id>/manifest.json`), which is the commit point. Every object is
 * written only if absent, so a snapshot is never overwritten. A stack without state is recorded
 * as absent. Each state object is read once, atomically, but the stacks are read one after the
 * other: stop deploys to the environment for a snapshot that is consistent across stacks.
 */
export async function backupEnvironmentState(options: BackupEnvironmentStateOptions): Promise<StateSnapshot> {
  const { environment, state, backup, log } = options;
  assertEnvironmentName(environment);
  const config = loadEnvironment(options.workspaceRoot, environment);
  const stacks = [...new Set(options.stacks)].sort();
  if (stacks.length === 0) throw new UsageError(`no stacks to back up in environment '${environment}'`);
  for (const stack of stacks) {
    if (!STACK_NAME.test(stack)) throw new UsageError(`stack name '${stack}' is not valid: use lowercase letters, digits and hyphens, starting with a letter`);
  }
  const takenAt = (options.now ?? (() => new Date()))();
  const id = runId(takenAt);

  // Read and check every state before writing anything: an unreadable state leaves no partial snapshot.
  const entries: Record<string, SnapshotStackEntry> = {};
  const bodies = new Map<string, Uint8Array>();
  for (const stack of stacks) {
    const key = stateObjectKey(config.state, stack);
    const read = state.getWithGeneration ? await state.getWithGeneration(key) : undefined;
    const bytes = state.getWithGeneration ? read?.body : await state.get(key);
    if (bytes === undefined) {
      entries[stack] = { key, absent: true };
      log(`${stack}: no state at ${key} (recorded as absent)`);
      continue;
    }
    const { serial, lineage } = parseState(bytes, `${state.location}/${key}`);
    entries[stack] = { key, sha256: sha256Of(bytes), size: bytes.byteLength, serial, lineage, ...(read ? { generation: read.generation } : {}) };
    bodies.set(stack, bytes);
    if ((await state.get(stateLockKey(key))) !== undefined) {
      log(`${stack}: locked by a running engine; the snapshot holds the state as it was last written`);
    }
  }

  for (const [stack, bytes] of bodies) {
    const key = snapshotObjectKey(environment, id, stack);
    const { written } = await backup.put(key, bytes, { ifAbsent: true });
    if (!written) throw new UsageError(`${backup.location}/${key} already exists: snapshots are never overwritten`);
    const entry = entries[stack] as SnapshotState;
    log(`${stack}: serial ${entry.serial}, ${entry.size} bytes, sha256 ${entry.sha256.slice(0, 12)}${entry.generation ? `, generation ${entry.generation}` : ''}`);
  }

  const snapshot: StateSnapshot = { schemaVersion: 1, id, environment, takenAt: takenAt.toISOString(), stacks: entries };
  const manifestKey = snapshotManifestKey(environment, id);
  const { written } = await backup.put(manifestKey, Buffer.from(`${JSON.stringify(snapshot, null, 2)}\n`), { ifAbsent: true });
  if (!written) throw new UsageError(`${backup.location}/${manifestKey} already exists: snapshots are never overwritten`);
  log(`snapshot ${id} of ${environment}: ${bodies.size} state(s), ${stacks.length - bodies.size} absent, in ${backup.location}`);
  return snapshot;
}

/** The complete snapshots of an environment (those with a manifest), oldest first. */
export async function listStateSnapshots(backup: ObjectStore, environment: string): Promise<StateSnapshot[]> {
  assertEnvironmentName(environment);
  const prefix = snapshotPrefix(environment);
  const ids = (await backup.list(prefix))
    .map((key) => /^([^/]+)\/manifest\.json$/.exec(key.slice(prefix.length))?.[1])
    .filter((id): id is string => id !== undefined && SNAPSHOT_ID.test(id))
    .sort();
  const snapshots: StateSnapshot[] = [];
  for (const id of ids) snapshots.push(await readStateSnapshot(backup, environment, id));
  return snapshots;
}

const sha256Hex = z.string({ error: 'must be a sha256: 64 lowercase hexadecimal digits' }).regex(/^[0-9a-f]{64}$/, 'must be a sha256: 64 lowercase hexadecimal digits');
const objectKey = z.string({ error: 'must be the object key of the state' }).refine(
  (key) => {
    try {
      assertValidKey(key);
      return true;
    } catch {
      return false;
    }
  },
  { error: "must be a relative slash-separated object key without '.', '..' or empty parts" },
);
const snapshotStackEntrySchema = z.discriminatedUnion(
  'absent',
  [
    z.strictObject({ key: objectKey, absent: z.literal(true) }),
    z.strictObject({
      key: objectKey,
      absent: z.literal(false).optional(),
      sha256: sha256Hex,
      size: z.int({ error: 'must be a size in bytes' }).nonnegative('must be a size in bytes'),
      serial: z.int({ error: 'must be the state serial, a whole number' }).nonnegative('must be the state serial, a whole number'),
      lineage: z.string({ error: 'must be the state lineage' }).min(1, 'must be the state lineage'),
      generation: z.string().regex(/^[1-9]\d*$/, 'must be an object generation, a positive whole number').optional(),
    }),
  ],
  { error: 'must be true for a stack without state, or left out' },
);
const snapshotSchema = z.strictObject({
  schemaVersion: z.literal(1, { error: 'must be 1' }),
  id: z.string().regex(SNAPSHOT_ID, 'must be a snapshot id such as 20261122T051500Z-3f9a'),
  environment: z.string(),
  takenAt: z.iso.datetime({ error: 'must be an ISO date-time in UTC' }),
  stacks: z.record(z.string().regex(STACK_NAME, 'must be a stack name'), snapshotStackEntrySchema),
});

/** A snapshot's manifest, validated; an error names the key and the rule broken. */
export async function readStateSnapshot(backup: ObjectStore, environment: string, id: string): Promise<StateSnapshot> {
  assertEnvironmentName(environment);
  if (!SNAPSHOT_ID.test(id)) throw new UsageError(`'${id}' is not a snapshot id: ids look like 20261122T051500Z-3f9a (list them with state-snapshots --env ${environment})`);
  const key = snapshotManifestKey(environment, id);
  const where = `${backup.location}/${key}`;
  const bytes = await backup.get(key);
  if (bytes === undefined) {
    throw new UsageError(`no snapshot '${id}' of environment '${environment}' in ${backup.location} (no ${key}; list them with state-snapshots --env ${environment})`);
  }
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ExternalError(`${where}: is not valid JSON (${(error as Error).message})`, { cause: error });
  }
  const parsed = snapshotSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
    const rule = issue.code === 'unrecognized_keys' ? 'is not a known setting' : issue.message;
    throw new ExternalError(`${where}: key '${path.map(String).join('.') || '(document)'}' ${rule}`);
  }
  if (parsed.data.id !== id) throw new ExternalError(`${where}: key 'id' must be '${id}', the folder it is in (found '${parsed.data.id}')`);
  if (parsed.data.environment !== environment) {
    throw new ExternalError(`${where}: key 'environment' must be '${environment}', the folder it is in (found '${parsed.data.environment}')`);
  }
  return parsed.data as StateSnapshot;
}

const tfstateSchema = z.looseObject({
  serial: z.int({ error: 'must be a whole number' }).nonnegative('must be a whole number'),
  lineage: z.string({ error: 'must be a non-empty string' }).min(1, 'must be a non-empty string'),
});

/** The serial and lineage of a state object; `where` names it in errors. */
export function parseState(bytes: Uint8Array, where: string): { serial: number; lineage: string } {
  let data: unknown;
  try {
    data = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch (error) {
    throw new ExternalError(`state object ${where} is not valid JSON (${(error as Error).message}): repair or restore it before taking a snapshot`, {
      cause: error,
    });
  }
  const parsed = tfstateSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ExternalError(`state object ${where} is not an engine state: key '${issue.path.map(String).join('.') || '(document)'}' ${issue.message}`);
  }
  return { serial: parsed.data.serial, lineage: parsed.data.lineage };
}

function assertEnvironmentName(environment: string): void {
  const result = environmentSchema.shape.name.safeParse(environment);
  if (!result.success) throw new UsageError(`environment name '${environment}' ${result.error.issues[0]!.message}`);
}
