import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson, type ObjectStore } from '@platform/store';
import { InternalError } from '@platform/workspace';
import { signatureSchema, SignatureError, signPayload, verifyPayload, type Signer, type TrustedKey } from './signing';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);
const time = z.iso.datetime({ offset: true });

const recordSchema = z.strictObject({
  schemaVersion: z.literal(2),
  id: z.uuid(),
  stack: z.string().min(1),
  environment: z.string().min(1),
  /** What ran: a promotion of a published artifact, or an apply or destroy of the working tree. */
  operation: z.enum(['promote', 'apply', 'destroy']),
  /** A promotion of an earlier version than the one running is a rollback. */
  kind: z.enum(['promotion', 'rollback', 'apply', 'destroy']),
  version: z.string().optional(),
  /** sha256 of the artifact manifest deployed (promotions): the same bytes everywhere. */
  manifestSha256: sha256.optional(),
  /** sha256 of the saved plan that was applied (applies from the working tree). */
  planSha256: sha256.optional(),
  /** sha256 of the configuration the engine ran for this environment. */
  configurationSha256: sha256,
  gitCommit: z.string().regex(/^[0-9a-f]{40}$/),
  /** The working tree had changes that are not in gitCommit. */
  dirty: z.boolean().optional(),
  /** Who ran it: the CI actor, else the git identity, else the OS user. */
  actor: z.string().min(1),
  /** Present when the pipeline was gone around: why, as the operator gave it. */
  breakGlass: z.strictObject({ reason: z.string().min(1), skippedGate: z.string().optional() }).optional(),
  /** Set by the pipeline: the reviewed plan applied, a re-plan equal to it, or a consumer re-planned after an upstream's outputs changed. */
  pipeline: z.enum(['reviewed plan', 're-planned, equal to the reviewed plan', 'upstream outputs changed']).optional(),
  startedAt: time,
  outcome: z.enum(['started', 'succeeded', 'failed']),
  /** When the outcome became known: startedAt while it is only started. */
  at: time,
  durationSeconds: z.number().min(0).optional(),
  error: z.string().optional(),
  /** Completed afterwards by `records repair`, from the state, not by the run itself. */
  repaired: z.strictObject({ at: time, actor: z.string(), evidence: z.string() }).optional(),
  signature: signatureSchema.optional(),
});

/** One apply, destroy or promotion of a stack in an environment, as kept in the store. */
export type DeploymentRecord = z.output<typeof recordSchema>;
export type RecordedOperation = DeploymentRecord['operation'];

/** A record as read back: where it is and which trusted key signed it (none: unsigned). */
export type StoredRecord = DeploymentRecord & { readonly key: string; readonly signedBy?: string };

export interface RejectedRecord {
  readonly key: string;
  readonly reason: string;
}

/** The fields a run knows before the engine starts. */
export type RecordStart = Omit<DeploymentRecord, 'schemaVersion' | 'id' | 'startedAt' | 'outcome' | 'at' | 'durationSeconds' | 'error' | 'repaired' | 'signature'>;

const RECORDS = 'records';

/** records/<env>/<stack>/<started>-<id>/: started.json before the engine runs, completed.json after; both written once. */
export function recordFolder(record: Pick<DeploymentRecord, 'environment' | 'stack' | 'startedAt' | 'id'>): string {
  return `${RECORDS}/${record.environment}/${record.stack}/${record.startedAt.replace(/[:.]/g, '-')}-${record.id}`;
}

function sign(record: Omit<DeploymentRecord, 'signature'>, signer: Signer | undefined, now: Date): DeploymentRecord {
  return signer ? { ...record, signature: signPayload(signer, 'deployment-record', Buffer.from(canonicalJson(record)), now) } : record;
}

async function putOnce(store: ObjectStore, key: string, record: DeploymentRecord): Promise<void> {
  const { written } = await store.put(key, Buffer.from(`${JSON.stringify(record, null, 2)}\n`), { ifAbsent: true });
  if (!written) throw new InternalError(`${store.location}/${key} already exists: a deployment record is written once`);
}

/** Writes the "started" record of a run, before the engine is called. */
export async function startRecord(store: ObjectStore, start: RecordStart, signer: Signer | undefined, now = new Date()): Promise<DeploymentRecord> {
  const at = now.toISOString();
  const record = sign({ schemaVersion: 2, id: randomUUID(), ...start, startedAt: at, outcome: 'started', at }, signer, now);
  await putOnce(store, `${recordFolder(record)}/started.json`, record);
  return record;
}

/** Writes the outcome of a started run beside its "started" record. */
export async function completeRecord(
  store: ObjectStore,
  started: DeploymentRecord,
  outcome: { readonly outcome: 'succeeded' | 'failed'; readonly error?: string; readonly planSha256?: string; readonly repaired?: DeploymentRecord['repaired'] },
  signer: Signer | undefined,
  now = new Date(),
): Promise<DeploymentRecord> {
  // A record read back from the store carries where it was and who signed it: not part of it.
  const { signature: _signature, key: _key, signedBy: _signedBy, ...fields } = started as StoredRecord;
  const at = now.toISOString();
  const record = sign(
    {
      ...fields,
      outcome: outcome.outcome,
      at,
      durationSeconds: Math.max(0, (now.getTime() - Date.parse(started.startedAt)) / 1000),
      ...(outcome.error === undefined ? {} : { error: outcome.error }),
      ...(outcome.planSha256 === undefined ? {} : { planSha256: outcome.planSha256 }),
      ...(outcome.repaired === undefined ? {} : { repaired: outcome.repaired }),
    },
    signer,
    now,
  );
  await putOnce(store, `${recordFolder(record)}/completed.json`, record);
  return record;
}

/**
 * Every record under the environment (and stack) given, oldest first: the completed one of each
 * run, else its "started" one (a run still going, or one whose outcome was lost). A record that
 * does not parse, lies about where it is, or carries a signature no trusted key made is rejected,
 * with the reason; an unsigned one is kept, with no `signedBy`.
 */
export async function listRecords(
  store: ObjectStore,
  trusted: readonly TrustedKey[],
  scope: { readonly environment?: string; readonly stack?: string } = {},
): Promise<{ readonly records: StoredRecord[]; readonly rejected: RejectedRecord[] }> {
  const prefix = [RECORDS, scope.environment, scope.environment ? scope.stack : undefined].filter(Boolean).join('/');
  const keys = (await store.list(`${prefix}/`)).filter((key) => /\/(started|completed)\.json$/.test(key));
  const byRun = new Map<string, StoredRecord>();
  const rejected: RejectedRecord[] = [];
  for (const key of keys) {
    const result = readRecord(key, await store.get(key), trusted, store.location);
    if ('reason' in result) {
      rejected.push(result);
      continue;
    }
    if (scope.stack && result.stack !== scope.stack) continue;
    const run = key.slice(0, key.lastIndexOf('/'));
    if (!byRun.has(run) || result.outcome !== 'started') byRun.set(run, result);
  }
  const records = [...byRun.values()].sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  return { records, rejected };
}

function readRecord(key: string, bytes: Uint8Array | undefined, trusted: readonly TrustedKey[], location: string): StoredRecord | RejectedRecord {
  if (!bytes) return { key, reason: 'disappeared while it was read' };
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { key, reason: 'is not JSON' };
  }
  const parsed = recordSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { key, reason: `is not a deployment record: key '${issue.path.join('.')}' ${issue.message}` };
  }
  const record = parsed.data;
  const expected = `${recordFolder(record)}/${record.outcome === 'started' ? 'started' : 'completed'}.json`;
  if (expected !== key) return { key, reason: `describes ${record.stack} in ${record.environment} (${record.outcome}) and belongs at ${expected}` };
  if (!record.signature) return { ...record, key };
  const { signature, ...fields } = record;
  try {
    const signer = verifyPayload(trusted, 'deployment-record', Buffer.from(canonicalJson(fields)), signature, `${location}/${key}`);
    return { ...record, key, signedBy: signer.id };
  } catch (error) {
    if (error instanceof SignatureError) return { key, reason: error.message };
    throw error;
  }
}
