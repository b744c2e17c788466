import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOnFirstUse } from './load-on-first-use';

describe('loadOnFirstUse', () => {
  const dir = mkdtempSync(join(tmpdir(), 'first-use-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the package when it is first used, not before, and only once', () => {
    const file = join(dir, 'counted.cjs');
    writeFileSync(file, 'globalThis.__loads = (globalThis.__loads ?? 0) + 1; module.exports = { answer: 42 };\n');
    const loads = () => (globalThis as { __loads?: number }).__loads ?? 0;
    const counted = loadOnFirstUse<{ answer: number }>(file);
    expect(loads()).toBe(0);
    expect(counted().answer).toBe(42);
    expect(counted().answer).toBe(42);
    expect(loads()).toBe(1);
  });
});
