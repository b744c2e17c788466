import type { ObjectStore } from '../object-store';
import { manifestBytes, sha256Hex, type Artifact } from './build';
import { parseManifest, type ArtifactManifest } from './manifest';
import { ExternalError, InternalError, UsageError } from '@platform/workspace';

/** Where things live in the store. Blobs are content-addressed, so uploading one twice is harmless. */
export const blobKey = (sha256: string) => `blobs/sha256/${sha256}`;
export const manifestKey = (stack: string, version: string) => `artifacts/${stack}/${version}/manifest.json`;

export class ImmutableVersionError extends UsageError {
  override readonly name = 'ImmutableVersionError';
}
export class UnknownVersionError extends UsageError {
  override readonly name = 'UnknownVersionError';
}
export class TamperedArtifactError extends ExternalError {
  override readonly name = 'TamperedArtifactError';
}

export type PublishResult = { readonly status: 'published' | 'already published'; readonly manifestSha256: string };

/**
 * Publishes an artifact: every file as a content-addressed blob, then the manifest, written
 * only if the version does not exist yet. The manifest is the commit point: a reader sees a
 * version only once all its files are in place, an interrupted publish leaves no version (a
 * retry completes it), and of two concurrent publishes exactly one manifest wins. Publishing
 * a version again with the same bytes is a no-op; with different bytes it is refused.
 */
export async function publishArtifact(store: ObjectStore, artifact: Artifact): Promise<PublishResult> {
  const { manifest } = artifact;
  for (const [path, bytes] of artifact.files) {
    const expected = manifest.files[path]?.sha256;
    if (expected !== sha256Hex(bytes)) throw new InternalError(`artifact file ${path} does not match its manifest entry`);
    await store.put(blobKey(expected), bytes, { ifAbsent: true });
  }
  const bytes = manifestBytes(manifest);
  const key = manifestKey(manifest.stack, manifest.version);
  const { written } = await store.put(key, bytes, { ifAbsent: true });
  if (written) return { status: 'published', manifestSha256: sha256Hex(bytes) };
  const existing = await store.get(key);
  if (existing && Buffer.from(existing).equals(Buffer.from(bytes))) {
    return { status: 'already published', manifestSha256: sha256Hex(bytes) };
  }
  throw new ImmutableVersionError(
    `${manifest.stack}@${manifest.version} is already published in ${store.location} with different content ` +
      `(published manifest ${existing ? sha256Hex(existing).slice(0, 12) : 'unreadable'}, this build ${sha256Hex(bytes).slice(0, 12)}): ` +
      'a published version is immutable; release a new version instead',
  );
}

/** Published versions of a stack (those with a manifest), sorted as strings. */
export async function listVersions(store: ObjectStore, stack: string): Promise<string[]> {
  const keys = await store.list(`artifacts/${stack}/`);
  return keys.filter((key) => key.endsWith('/manifest.json')).map((key) => key.split('/')[2]!).sort();
}

/**
 * Reads a published artifact and verifies every file against the manifest's sha256. Any
 * changed byte is refused, naming the file.
 */
export async function fetchArtifact(store: ObjectStore, stack: string, version: string): Promise<Artifact> {
  const key = manifestKey(stack, version);
  const bytes = await store.get(key);
  if (!bytes) {
    const known = await listVersions(store, stack);
    throw new UnknownVersionError(
      `${stack}@${version} is not published in ${store.location} (published versions: ${known.join(', ') || 'none'})`,
    );
  }
  const manifest: ArtifactManifest = parseManifest(Buffer.from(bytes).toString('utf8'), `${store.location}/${key}`);
  if (manifest.stack !== stack || manifest.version !== version) {
    throw new TamperedArtifactError(`${key} describes ${manifest.stack}@${manifest.version}, not ${stack}@${version}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const [path, entry] of Object.entries(manifest.files)) {
    const blob = await store.get(blobKey(entry.sha256));
    if (!blob) throw new TamperedArtifactError(`${stack}@${version}: file ${path} is missing from the store (blob ${entry.sha256.slice(0, 12)})`);
    const actual = sha256Hex(blob);
    if (actual !== entry.sha256 || blob.length !== entry.size) {
      throw new TamperedArtifactError(
        `${stack}@${version}: file ${path} does not match the manifest (sha256 ${actual.slice(0, 12)}, expected ${entry.sha256.slice(0, 12)}); refusing to use it`,
      );
    }
    files.set(path, blob);
  }
  return { manifest, files };
}
