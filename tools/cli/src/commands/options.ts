import { UsageError } from '@platform/workspace';

export const STORE_OPTION_HELP = 'gs://bucket/prefix, s3://bucket/prefix or a local directory (default: $PLATFORM_STORE or dist/store)';

/** A whole-number option of at least `min`, or a usage error naming the option. */
export function wholeNumberOption(flag: string, value: string, min = 1): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min) throw new UsageError(`${flag} must be a whole number of at least ${min}, got '${value}'`);
  return parsed;
}
