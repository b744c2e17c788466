import { assertValidKey } from './object-store';
import { UsageError } from '@platform/workspace';

/**
 * Refuses a list prefix that could not be the start of a valid key (e.g. `../`, `/a`, `a//`).
 * The empty prefix lists everything; a prefix may end in `/` or part-way through a name.
 */
export function assertValidPrefix(prefix: string): void {
  if (prefix === '') return;
  try {
    assertValidKey(`${prefix}x`);
  } catch {
    throw new UsageError(`invalid list prefix '${prefix}': use '' or the start of a relative slash-separated key without '.', '..' or empty parts`);
  }
}

/**
 * Orders keys by their UTF-8 bytes, the order S3 lists in, so every backend sorts alike
 * (plain string comparison orders by UTF-16 code units, which differs above U+FFFF).
 */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
