import { createHash } from 'node:crypto';
import type { ObjectStore } from '../object-store';

/** Under this prefix of the artifact store: `<hash>.json` (what the entry is) and `<hash>/<sha256>.tar` (its bytes). */
export const NX_CACHE_PREFIX = 'nx-cache';

/** A task hash as Nx computes it: digits (and letters, for other hashers), nothing that could leave the prefix. */
export const TASK_HASH = /^[A-Za-z0-9]{1,128}$/;

interface EntryManifest {
  readonly schemaVersion: 1;
  readonly sha256: string;
  readonly size: number;
  readonly createdAt: string;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

const manifestKey = (hash: string) => `${NX_CACHE_PREFIX}/${hash}.json`;
const blobKey = (hash: string, digest: string) => `${NX_CACHE_PREFIX}/${hash}/${digest}.tar`;

function parseManifest(bytes: Uint8Array): EntryManifest | undefined {
  try {
    const value = JSON.parse(Buffer.from(bytes).toString('utf8')) as Partial<EntryManifest>;
    if (value.schemaVersion !== 1 || typeof value.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(value.sha256)) return undefined;
    if (typeof value.size !== 'number' || !Number.isInteger(value.size) || value.size < 0) return undefined;
    return value as EntryManifest;
  } catch {
    return undefined;
  }
}

export type ReadOutcome = { readonly found: true; readonly body: Uint8Array } | { readonly found: false; readonly why: 'absent' | 'corrupt'; readonly detail?: string };

/**
 * The cached outputs of a task: only when the bytes are whole and the ones recorded when they
 * were written (size and sha256). A truncated, replaced or half-written entry is a miss, so Nx
 * runs the task instead of restoring something wrong.
 */
export async function readEntry(store: ObjectStore, hash: string): Promise<ReadOutcome> {
  const manifestBytes = await store.get(manifestKey(hash));
  if (!manifestBytes) return { found: false, why: 'absent' };
  const manifest = parseManifest(manifestBytes);
  if (!manifest) return { found: false, why: 'corrupt', detail: `${manifestKey(hash)} is not a cache entry manifest` };
  const body = await store.get(blobKey(hash, manifest.sha256));
  if (!body) return { found: false, why: 'corrupt', detail: `${blobKey(hash, manifest.sha256)} is missing` };
  if (body.byteLength !== manifest.size || sha256(body) !== manifest.sha256) {
    return { found: false, why: 'corrupt', detail: `${blobKey(hash, manifest.sha256)} holds ${body.byteLength} bytes that are not the ${manifest.size} recorded` };
  }
  return { found: true, body };
}

/**
 * Writes a task's outputs once: the bytes under their own digest first, then the manifest that
 * names them, only if there is none yet. Two writers of one hash never mix: the manifest that
 * lands first decides which bytes the entry is. Returns false when the entry already existed.
 */
export async function writeEntry(store: ObjectStore, hash: string, body: Uint8Array, now = new Date()): Promise<boolean> {
  if (await store.get(manifestKey(hash))) return false;
  const digest = sha256(body);
  await store.put(blobKey(hash, digest), body, { ifAbsent: true });
  const manifest: EntryManifest = { schemaVersion: 1, sha256: digest, size: body.byteLength, createdAt: now.toISOString() };
  const { written } = await store.put(manifestKey(hash), Buffer.from(`${JSON.stringify(manifest)}\n`), { ifAbsent: true });
  return written;
}
