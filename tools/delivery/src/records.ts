import type { ObjectStore } from '@platform/store';
import { UsageError } from '@platform/workspace';

/** One deploy of an artifact to an environment, kept in the store as the promotion history. */
export interface DeploymentRecord {
  readonly stack: string;
  readonly version: string;
  readonly environment: string;
  /** sha256 of the artifact manifest that was deployed: the same artifact everywhere. */
  readonly manifestSha256: string;
  /** sha256 of the configuration the engine ran for this environment. */
  readonly configurationSha256: string;
  readonly gitCommit: string;
  readonly kind: 'promotion' | 'rollback';
  readonly outcome: 'succeeded' | 'failed';
  /** Present when a gate was skipped: why, as the operator gave it. */
  readonly breakGlass?: { readonly reason: string; readonly skippedGate: string };
  readonly error?: string;
  /** ISO 8601 time the deploy finished. */
  readonly at: string;
}

export function recordKey(record: DeploymentRecord): string {
  return `records/${record.environment}/${record.stack}/${record.at.replace(/[:.]/g, '-')}-${record.version}.json`;
}

export async function writeRecord(store: ObjectStore, record: DeploymentRecord): Promise<void> {
  const { written } = await store.put(recordKey(record), Buffer.from(`${JSON.stringify(record, null, 2)}\n`), { ifAbsent: true });
  if (!written) throw new UsageError(`a deployment record already exists at ${recordKey(record)}`);
}

/** Deployment records, oldest first, optionally for one environment and stack. */
export async function listRecords(store: ObjectStore, environment?: string, stack?: string): Promise<DeploymentRecord[]> {
  const prefix = ['records', environment, stack].filter(Boolean).join('/');
  const keys = await store.list(`${prefix}/`);
  const records: DeploymentRecord[] = [];
  for (const key of keys.filter((k) => k.endsWith('.json'))) {
    const bytes = await store.get(key);
    if (bytes) records.push(JSON.parse(Buffer.from(bytes).toString('utf8')) as DeploymentRecord);
  }
  return records.sort((a, b) => a.at.localeCompare(b.at));
}
