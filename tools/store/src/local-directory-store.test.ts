import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCAL_STORE_TEMP_DIR, LocalDirectoryStore } from './local-directory-store';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'local-store-'));
  tempDirs.push(dir);
  return dir;
}

const bytes = (text: string) => new TextEncoder().encode(text);

describe('LocalDirectoryStore', () => {
  it('creates its root directory and reports it as a file URL', () => {
    const root = join(freshDir(), 'nested', 'store');

    const store = new LocalDirectoryStore(root);

    expect(existsSync(root)).toBe(true);
    expect(store.root).toBe(root);
    expect(store.location).toBe(pathToFileURL(root).href);
    expect(store.location).toMatch(/^file:\/\/\//);
  });

  it('keeps each object as a file at <root>/<key> and leaves no temporary file behind', async () => {
    const root = freshDir();
    const store = new LocalDirectoryStore(root);

    await store.put('a/b/c.json', bytes('{}'));
    await store.put('a/b/c.json', bytes('{"v":2}'));
    await store.put('once', bytes('x'), { ifAbsent: true });
    await store.put('once', bytes('y'), { ifAbsent: true });

    expect(readFileSync(join(root, 'a', 'b', 'c.json'), 'utf8')).toBe('{"v":2}');
    expect(readdirSync(join(root, LOCAL_STORE_TEMP_DIR))).toEqual([]);
  });

  it('neither lists nor serves what a writer that crashed before the rename left behind', async () => {
    const root = freshDir();
    const store = new LocalDirectoryStore(root);
    await store.put('kept', bytes('complete'));
    // What a writer killed between writing the temporary file and renaming it leaves.
    writeFileSync(join(root, LOCAL_STORE_TEMP_DIR, '0123456789abcdef01234567.partial'), 'half-writ');

    expect(await store.list('')).toEqual(['kept']);
    expect(await store.list('.')).toEqual([]);
    expect(await store.get('kept')).toEqual(bytes('complete'));
  });

  it('never shows a reader a half-written object while a writer replaces it', async () => {
    const store = new LocalDirectoryStore(freshDir());
    const size = 1024 * 1024;
    const versions = [new Uint8Array(size).fill(1), new Uint8Array(size).fill(2)];
    await store.put('big', versions[0]!);

    let writing = true;
    const writer = (async () => {
      for (let i = 1; i <= 10; i++) await store.put('big', versions[i % 2]!);
      writing = false;
    })();
    const seen = new Set<string>();
    while (writing) {
      const body = (await store.get('big'))!;
      expect(body.byteLength).toBe(size);
      expect(body[0] === body[size - 1] && body.every((byte) => byte === body[0])).toBe(true);
      seen.add(String(body[0]));
    }
    await writer;

    expect(seen.size).toBeGreaterThan(0);
  });

  it('keeps what it writes to its owner: files 0600 in folders 0700', async () => {
    const root = join(freshDir(), 'snapshots');
    const store = new LocalDirectoryStore(root);
    await store.put('dev/2026/state.json', bytes('{"secret":1}'));
    await store.put('dev/2026/once.json', bytes('x'), { ifAbsent: true });
    for (const dir of [root, join(root, 'dev'), join(root, 'dev/2026')]) expect(statSync(dir).mode & 0o777, dir).toBe(0o700);
    for (const file of ['dev/2026/state.json', 'dev/2026/once.json']) expect(statSync(join(root, file)).mode & 0o777, file).toBe(0o600);
  });

  it('refuses keys in its reserved temporary folder', async () => {
    const store = new LocalDirectoryStore(freshDir());

    await expect(store.put(`${LOCAL_STORE_TEMP_DIR}/x`, bytes('x'))).rejects.toThrow(/invalid object key '\.store-tmp\/x'.*reserved/);
    await expect(store.get(LOCAL_STORE_TEMP_DIR)).rejects.toThrow(/reserved/);
  });

  it('refuses a key that is also the folder of another key, naming both', async () => {
    const store = new LocalDirectoryStore(freshDir());
    await store.put('a/b', bytes('x'));
    await store.put('c', bytes('x'));

    await expect(store.put('a', bytes('y'))).rejects.toThrow(/cannot write 'a' .*conflicts with 'a\/…'/);
    await expect(store.put('a', bytes('y'), { ifAbsent: true })).rejects.toThrow(/conflicts with 'a\/…'/);
    await expect(store.put('c/d', bytes('y'))).rejects.toThrow(/cannot write 'c\/d' .*conflicts with 'c'/);
    await expect(store.put('c/d', bytes('y'), { ifAbsent: true })).rejects.toThrow(/conflicts with 'c'/);
    expect(await store.list('')).toEqual(['a/b', 'c']);
  });

  it('deletes nothing for a key that is only the folder of other keys, nor in its temporary folder', async () => {
    const store = new LocalDirectoryStore(freshDir());
    await store.put('a/b', bytes('x'));

    await store.delete('a');

    expect(await store.list('')).toEqual(['a/b']);
    await expect(store.delete(`${LOCAL_STORE_TEMP_DIR}/x`)).rejects.toThrow(/reserved/);
  });

  it('lets exactly one of several processes win an ifAbsent write', async () => {
    const root = freshDir();
    new LocalDirectoryStore(root);
    const moduleUrl = pathToFileURL(join(import.meta.dirname, 'local-directory-store.ts')).href;
    // Every child waits for the same instant, then races for the key.
    const startAt = Date.now() + 2_500;
    const script = `
      const { LocalDirectoryStore } = await import(${JSON.stringify(moduleUrl)});
      const store = new LocalDirectoryStore(process.argv[1]);
      while (Date.now() < ${startAt}) {}
      const { written } = await store.put('release', new TextEncoder().encode('process-' + process.argv[2]), { ifAbsent: true });
      process.stdout.write(String(written));
    `;
    const run = (id: number) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, root, String(id)], {
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        child.stderr.on('data', (chunk) => (err += chunk));
        child.once('error', reject);
        child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child ${id} exited ${code}: ${err}`))));
      });

    const results = await Promise.all(Array.from({ length: 6 }, (_, id) => run(id)));

    const winners = results.flatMap((result, id) => (result === 'true' ? [id] : []));
    expect(results.filter((result) => result === 'false')).toHaveLength(5);
    expect(winners).toHaveLength(1);
    expect(readFileSync(join(root, 'release'), 'utf8')).toBe(`process-${winners[0]}`);
    expect(readdirSync(join(root, LOCAL_STORE_TEMP_DIR))).toEqual([]);
  }, 30_000);
});
