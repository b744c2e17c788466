import { UsageError } from '@platform/workspace';

/**
 * The few operations the artifact store, promotion records and drill reports need, with the
 * same meaning on every backend: an S3-compatible bucket (AWS S3, the GCS interoperability
 * endpoint, the local S3 server) or a local directory (the embedded default).
 */
export interface ObjectStore {
  /** Human-readable location, e.g. `s3://bucket/prefix` or `file:///path`. */
  readonly location: string;
  /**
   * Writes an object. With `ifAbsent`, the write happens only if no object exists at the key,
   * atomically against concurrent writers; otherwise it returns `{ written: false }`.
   */
  put(key: string, body: Uint8Array, options?: { readonly ifAbsent?: boolean }): Promise<{ readonly written: boolean }>;
  /** The object's bytes, or undefined when there is none. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Keys under a prefix, sorted. */
  list(prefix: string): Promise<string[]>;
  /**
   * Removes an object; removing a key that holds none is no error (as in S3). Optional: stores
   * that only ever add (artifacts, records, reports) need not offer it.
   */
  delete?(key: string): Promise<void>;
  /**
   * Stores whose objects carry generations (Cloud Storage): the object's bytes together with the
   * generation they belong to, read consistently; undefined when there is none.
   */
  getWithGeneration?(key: string): Promise<{ readonly body: Uint8Array; readonly generation: string } | undefined>;
  /**
   * Writes an object only if its current generation is `generation` (compare-and-swap); a write
   * that lost to another returns `{ written: false }`.
   */
  putIfGeneration?(key: string, body: Uint8Array, generation: string): Promise<{ readonly written: boolean }>;
}

/** Keys are relative, slash-separated, without `.`/`..` segments or empty parts. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.startsWith('/') || key.split('/').some((part) => part === '' || part === '.' || part === '..')) {
    throw new UsageError(`invalid object key '${key}': use relative slash-separated names without '.', '..' or empty parts`);
  }
}
