import { ConfigError, ManifestError } from '@platform/config';

/**
 * What went wrong, from the user's side (as cdktf's commons splits it): `usage` the input
 * can be fixed by the user, `external` a tool or service failed, `internal` a bug of ours.
 */
export type ErrorKind = 'usage' | 'external' | 'internal';

/** An error that knows its kind; throw one of the three subclasses. */
export abstract class PlatformError extends Error {
  abstract readonly kind: ErrorKind;
}

/** Bad input the user can fix: the message names the file, the key and the rule. */
export class UsageError extends PlatformError {
  override readonly name: string = 'UsageError';
  readonly kind = 'usage' as const;
}

/** A tool or service failed (the engine, the store, git, npm): the message says what to do next. */
export class ExternalError extends PlatformError {
  override readonly name: string = 'ExternalError';
  readonly kind = 'external' as const;
}

/** A broken invariant of our own: a bug to report. */
export class InternalError extends PlatformError {
  override readonly name: string = 'InternalError';
  readonly kind = 'internal' as const;
}

/**
 * The kind of any thrown value. Configuration and manifest errors of the libraries are usage
 * errors; anything that does not say otherwise is ours.
 */
export function errorKindOf(error: unknown): ErrorKind {
  if (error instanceof PlatformError) return error.kind;
  if (error instanceof ConfigError || error instanceof ManifestError) return 'usage';
  if (error instanceof Error && error.name === 'PolicyViolationError') return 'usage';
  return 'internal';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
