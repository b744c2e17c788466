import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type * as LocalDirectoryStoreModule from './local-directory-store';

const dir = mkdtempSync(join(tmpdir(), 'local-store-failure-'));
let store: typeof LocalDirectoryStoreModule;

// The rename and link that publish an object fail, as on a full or read-only disk. The unit tests
// share modules across files (vitest.config.mts: isolate false), so the store is loaded afresh
// with the mock here, and the mock is taken away again for the files that follow.
beforeAll(async () => {
  vi.resetModules();
  vi.doMock('node:fs/promises', async (importOriginal) => {
    const actual = await importOriginal<typeof import('node:fs/promises')>();
    const refuse = async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    };
    return { ...actual, rename: refuse, link: refuse };
  });
  store = await import('./local-directory-store');
});
afterAll(() => {
  vi.doUnmock('node:fs/promises');
  vi.resetModules();
  rmSync(dir, { recursive: true, force: true });
});

describe('LocalDirectoryStore when publishing fails', () => {
  it.each([false, true])('leaves no object and no temporary file (ifAbsent: %s)', async (ifAbsent) => {
    const local = new store.LocalDirectoryStore(join(dir, `store-${ifAbsent}`));

    await expect(local.put('a/key', new Uint8Array([1, 2, 3]), { ifAbsent })).rejects.toThrow(/object 'a\/key' in file:\/\/.*ENOSPC/);

    expect(await local.get('a/key')).toBeUndefined();
    expect(await local.list('')).toEqual([]);
    expect(readdirSync(join(local.root, store.LOCAL_STORE_TEMP_DIR))).toEqual([]);
  });
});
