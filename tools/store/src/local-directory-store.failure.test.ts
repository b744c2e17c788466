import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_STORE_TEMP_DIR, LocalDirectoryStore } from './local-directory-store';

// The rename and link that publish an object fail, as on a full or read-only disk.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const refuse = async () => {
    throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
  };
  return { ...actual, rename: refuse, link: refuse };
});

const dir = mkdtempSync(join(tmpdir(), 'local-store-failure-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('LocalDirectoryStore when publishing fails', () => {
  it.each([false, true])('leaves no object and no temporary file (ifAbsent: %s)', async (ifAbsent) => {
    const store = new LocalDirectoryStore(join(dir, `store-${ifAbsent}`));

    await expect(store.put('a/key', new Uint8Array([1, 2, 3]), { ifAbsent })).rejects.toThrow(/object 'a\/key' in file:\/\/.*ENOSPC/);

    expect(await store.get('a/key')).toBeUndefined();
    expect(await store.list('')).toEqual([]);
    expect(readdirSync(join(store.root, LOCAL_STORE_TEMP_DIR))).toEqual([]);
  });
});
