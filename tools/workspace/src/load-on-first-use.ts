import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A CommonJS package that is loaded the first time it is used, not when the module naming it
 * is imported: a command that never talks to S3 or GCS does not pay the half second each of
 * their SDKs takes to load. Pair it with `import type * as Name from '<package>'` for the types.
 */
export function loadOnFirstUse<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
