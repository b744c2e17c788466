import type { StateConfig } from '@platform/config';
import type { ObjectStore } from '@platform/store';
import { isAbsent, readStateSnapshot, sha256Of, snapshotManifestKey, snapshotObjectKey, type StateSnapshot } from './backup';
import { stateLockKey, stateObjectKey } from './state-store';
import { ExternalError, UsageError } from '@platform/workspace';

/** Where the operator is sent when a lock blocks a restore. */
export const STUCK_LOCK_RUNBOOK = 'docs/runbooks/stuck-state-lock.md';

export interface RestoreEnvironmentStateOptions {
  readonly environment: string;
  /**
   * Where the environment keeps its state (its environment.yaml): the only keys a restore
   * writes are derived from it, never taken from the snapshot.
   */
  readonly stateConfig: StateConfig;
  readonly snapshotId: string;
  /** The environment's state bucket (see `openStateStore`); it must offer `delete` when a restored stack was absent. */
  readonly state: ObjectStore;
  readonly backup: ObjectStore;
  /** Only these stacks of the snapshot. @default - every stack the snapshot holds */
  readonly stacks?: readonly string[];
  readonly log: (line: string) => void;
}

export interface RestoredStack {
  readonly stack: string;
  /** The state object's key in the state bucket. */
  readonly key: string;
  /** written: the snapshot's state was put back; deleted: the stack had no state in the snapshot and its object was removed; absent: neither had one. */
  readonly action: 'written' | 'deleted' | 'absent';
  readonly serial?: number;
}

export interface StateRestoreResult {
  readonly snapshot: StateSnapshot;
  readonly stacks: readonly RestoredStack[];
}

export interface StateMismatch {
  readonly stack: string;
  readonly key: string;
  /** The snapshot's sha256, or 'absent'. */
  readonly expected: string;
  /** The state bucket's sha256, or 'absent'. */
  readonly actual: string;
}

/**
 * Puts an environment's state back as a snapshot recorded it. Nothing is written unless every
 * object of the snapshot is present and matches its sha256 in the manifest, and no stack being
 * restored holds a lock object (an engine is running on it). Then each state object is written
 * to its key (replacing what is there; in Cloud Storage only over the generation just read, so a
 * run that wrote it meanwhile is not overwritten) and the objects of stacks the snapshot records
 * as absent are deleted. Stop deploys to the environment first: a run that starts during the
 * restore is not seen by the lock check.
 */
export async function restoreEnvironmentState(options: RestoreEnvironmentStateOptions): Promise<StateRestoreResult> {
  const { environment, snapshotId, state, backup, log } = options;
  const snapshot = await readStateSnapshot(backup, environment, snapshotId);
  const stacks = selectStacks(snapshot, options.stacks);
  // A manifest is data anyone with write access to the backup store can change: a key naming
  // another environment's (or stack's) state must not be written through.
  for (const stack of stacks) {
    const expected = stateObjectKey(options.stateConfig, stack);
    const recorded = snapshot.stacks[stack]!.key;
    if (recorded !== expected) {
      throw new ExternalError(
        `${backup.location}/${snapshotManifestKey(environment, snapshotId)}: key 'stacks.${stack}.key' is '${recorded}', but ${environment} keeps the state of ${stack} at ` +
          `'${expected}' (environments/${environment}/environment.yaml); the snapshot was changed or belongs elsewhere; nothing was restored`,
      );
    }
  }
  const deleteObject = state.delete?.bind(state);
  if (stacks.some((stack) => isAbsent(snapshot.stacks[stack]!)) && !deleteObject) {
    throw new UsageError(`the state store ${state.location} cannot delete objects, which restoring a stack recorded as absent needs; nothing was restored`);
  }

  // Everything is fetched and verified before anything is written.
  const bodies = new Map<string, Uint8Array>();
  for (const stack of stacks) {
    const entry = snapshot.stacks[stack]!;
    if (isAbsent(entry)) continue;
    const key = snapshotObjectKey(environment, snapshotId, stack);
    const bytes = await backup.get(key);
    if (bytes === undefined) throw new ExternalError(`snapshot ${snapshotId} is incomplete: ${backup.location}/${key} is missing; nothing was restored`);
    const actual = sha256Of(bytes);
    if (actual !== entry.sha256 || bytes.byteLength !== entry.size) {
      throw new ExternalError(
        `${backup.location}/${key} does not match the snapshot's manifest (sha256 ${actual.slice(0, 12)}, ${bytes.byteLength} bytes; ` +
          `the manifest says ${entry.sha256.slice(0, 12)}, ${entry.size} bytes): the snapshot was changed after it was taken; nothing was restored`,
      );
    }
    bodies.set(stack, bytes);
  }

  const locks: string[] = [];
  for (const stack of stacks) {
    const lockKey = stateLockKey(snapshot.stacks[stack]!.key);
    const lock = await state.get(lockKey);
    if (lock !== undefined) locks.push(`${state.location}/${lockKey}${describeLock(lock)}`);
  }
  if (locks.length > 0) {
    throw new UsageError(`state is locked by a running engine; see ${STUCK_LOCK_RUNBOOK}: ${locks.join(', ')}; nothing was restored`);
  }

  const restored: RestoredStack[] = [];
  try {
    for (const stack of stacks) {
      const entry = snapshot.stacks[stack]!;
      if (isAbsent(entry)) {
        const present = (await state.list(entry.key)).includes(entry.key);
        if (present) await deleteObject!(entry.key);
        restored.push({ stack, key: entry.key, action: present ? 'deleted' : 'absent' });
        log(`${stack}: ${present ? `deleted ${entry.key}` : 'no state, as in the snapshot'}`);
        continue;
      }
      await putBack(state, entry.key, bodies.get(stack)!);
      restored.push({ stack, key: entry.key, action: 'written', serial: entry.serial });
      log(`${stack}: restored ${entry.key} (serial ${entry.serial}, lineage ${entry.lineage})`);
    }
  } catch (error) {
    const done = restored.map((r) => r.stack).join(', ') || 'none';
    throw new ExternalError(
      `restoring ${environment} from snapshot ${snapshotId} stopped (stacks done: ${done}): ${(error as Error).message}; run the restore again`,
      { cause: error },
    );
  }
  return { snapshot, stacks: restored };
}

/**
 * Writes a state object back. Where the store has generations (Cloud Storage), only over the
 * generation read just before: a run that wrote the state in between is never overwritten.
 */
async function putBack(state: ObjectStore, key: string, body: Uint8Array): Promise<void> {
  if (!state.getWithGeneration || !state.putIfGeneration) {
    await state.put(key, body);
    return;
  }
  const current = await state.getWithGeneration(key);
  const { written } = current ? await state.putIfGeneration(key, body, current.generation) : await state.put(key, body, { ifAbsent: true });
  if (!written) {
    throw new ExternalError(`${state.location}/${key} was written by another run while it was being restored (generation ${current?.generation ?? 'none'} changed); it was left as that run wrote it`);
  }
}

/** Compares the state bucket with a snapshot: every stack's object must have the snapshot's sha256 (or be absent as recorded). */
export async function verifyRestoredState(options: {
  readonly snapshot: StateSnapshot;
  readonly state: ObjectStore;
  /** @default - every stack the snapshot holds */
  readonly stacks?: readonly string[];
}): Promise<{ ok: boolean; mismatches: StateMismatch[] }> {
  const { snapshot, state } = options;
  const mismatches: StateMismatch[] = [];
  for (const stack of selectStacks(snapshot, options.stacks)) {
    const entry = snapshot.stacks[stack]!;
    const bytes = await state.get(entry.key);
    const expected = isAbsent(entry) ? 'absent' : entry.sha256;
    const actual = bytes === undefined ? 'absent' : sha256Of(bytes);
    if (actual !== expected) mismatches.push({ stack, key: entry.key, expected, actual });
  }
  return { ok: mismatches.length === 0, mismatches };
}

function selectStacks(snapshot: StateSnapshot, stacks: readonly string[] | undefined): string[] {
  const known = Object.keys(snapshot.stacks).sort();
  if (stacks === undefined) return known;
  const selected = [...new Set(stacks)].sort();
  if (selected.length === 0) throw new UsageError(`no stacks selected from snapshot ${snapshot.id}`);
  const unknown = selected.filter((stack) => !known.includes(stack));
  if (unknown.length > 0) {
    throw new UsageError(`snapshot ${snapshot.id} of ${snapshot.environment} holds no stack ${unknown.map((s) => `'${s}'`).join(', ')} (it holds: ${known.join(', ')})`);
  }
  return selected;
}

/** ` (held by <who> for <operation> since <created>)` when the lock object is the engine's lock info JSON. */
function describeLock(bytes: Uint8Array): string {
  try {
    const info = JSON.parse(Buffer.from(bytes).toString('utf8')) as { ID?: unknown; Who?: unknown; Operation?: unknown; Created?: unknown };
    const holder = [
      typeof info.Who === 'string' && info.Who ? `held by ${info.Who}` : undefined,
      typeof info.Operation === 'string' && info.Operation ? `for ${info.Operation}` : undefined,
      typeof info.Created === 'string' && info.Created ? `since ${info.Created}` : undefined,
    ].filter(Boolean);
    const parts = [holder.join(' '), typeof info.ID === 'string' && info.ID ? `lock ID ${info.ID}` : ''].filter(Boolean);
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
  } catch {
    return '';
  }
}
