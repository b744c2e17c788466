import { randomBytes } from 'node:crypto';

/**
 * An id for one run (a drift check, a drill, a snapshot) that sorts by time as text:
 * the UTC time to the second, then a random suffix so two runs in the same second differ.
 */
export function runId(at: Date): string {
  const stamp = at.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}
