import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, lstat, mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { assertValidPrefix, compareKeys } from './keys';
import { assertValidKey, type ObjectStore } from './object-store';
import { ExternalError, UsageError } from '@platform/workspace';

/**
 * The folder, directly under the store's root, that holds objects while they are being written.
 * It is never listed, and keys inside it are refused.
 */
export const LOCAL_STORE_TEMP_DIR = '.store-tmp';

/** State snapshots and records may be secret: only the owner reads what the store writes. */
const PRIVATE_FILE = 0o600;
const PRIVATE_DIR = 0o700;

/**
 * An {@link ObjectStore} in a local directory: the embedded default for a newcomer with no S3
 * server. Each key is a file at `<root>/<key>`.
 *
 * - Readers never see a partial object: bytes go to a temporary file under
 *   `<root>/.store-tmp/`, are flushed to disk, and then renamed (or, for `ifAbsent`, hard-linked)
 *   into place; both are atomic within one filesystem.
 * - `ifAbsent` is exclusive across threads and processes: `link(2)` fails with EEXIST when the key
 *   exists, so of any number of concurrent writers exactly one wins.
 * - Unlike S3, a key cannot also be the folder of another key (`a` and `a/b`); such a write is
 *   refused with an error naming both.
 * - A crash mid-write leaves at most an orphan under `.store-tmp/`, never an object.
 */
export class LocalDirectoryStore implements ObjectStore {
  /** Absolute path of the root directory. */
  readonly root: string;
  readonly location: string;
  private readonly tempDir: string;

  /** @param root the store's directory, absolute or relative to the working directory; created if missing. */
  constructor(root: string) {
    this.root = resolve(root);
    this.location = pathToFileURL(this.root).href;
    this.tempDir = join(this.root, LOCAL_STORE_TEMP_DIR);
    mkdirSync(this.tempDir, { recursive: true, mode: PRIVATE_DIR });
  }

  async put(key: string, body: Uint8Array, options: { readonly ifAbsent?: boolean } = {}): Promise<{ readonly written: boolean }> {
    const path = this.pathOf(key);
    if (options.ifAbsent && (await isFile(path))) return { written: false };
    await mkdir(this.tempDir, { recursive: true, mode: PRIVATE_DIR });
    const temp = join(this.tempDir, `${randomBytes(12).toString('hex')}.partial`);
    await writeDurably(temp, body);
    try {
      await this.mkdirFor(key, path);
      if (options.ifAbsent) {
        try {
          await link(temp, path);
        } catch (error) {
          if (errorCode(error) !== 'EEXIST') throw this.describe(error, key);
          if ((await lstat(path)).isDirectory()) throw this.prefixConflict(key, `${key}/…`);
          return { written: false };
        }
      } else {
        try {
          await rename(temp, path);
        } catch (error) {
          if (errorCode(error) === 'EISDIR' || errorCode(error) === 'ENOTEMPTY' || errorCode(error) === 'EEXIST') {
            throw this.prefixConflict(key, `${key}/…`);
          }
          throw this.describe(error, key);
        }
      }
      await syncDirectory(dirname(path));
      return { written: true };
    } finally {
      await unlink(temp).catch((error: unknown) => {
        if (errorCode(error) !== 'ENOENT') throw error;
      });
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const path = this.pathOf(key);
    try {
      const bytes = await readFile(path);
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    } catch (error) {
      // ENOTDIR: a parent is an object; EISDIR: the key is only a folder of other keys.
      if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errorCode(error) ?? '')) return undefined;
      throw this.describe(error, key);
    }
  }

  /** Removes the object's file; folders it leaves empty stay (they are never listed). */
  async delete(key: string): Promise<void> {
    const path = this.pathOf(key);
    try {
      await unlink(path);
    } catch (error) {
      // ENOENT/ENOTDIR: no such object; EISDIR (Linux) or EPERM (macOS): the key is only a folder of other keys.
      if (['ENOENT', 'ENOTDIR'].includes(errorCode(error) ?? '')) return;
      if (['EISDIR', 'EPERM'].includes(errorCode(error) ?? '') && !(await isFile(path))) return;
      throw this.describe(error, key);
    }
    await syncDirectory(dirname(path));
  }

  async list(prefix: string): Promise<string[]> {
    assertValidPrefix(prefix);
    // Start the walk at the deepest folder the prefix names, not at the root.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: string[] = [];
    await this.walk(folder, (key) => {
      if (key.startsWith(prefix)) keys.push(key);
    });
    return keys.sort(compareKeys);
  }

  private async walk(folder: string, visit: (key: string) => void): Promise<void> {
    let entries;
    try {
      entries = await readdir(folder === '' ? this.root : join(this.root, ...folder.split('/')), { withFileTypes: true });
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return;
      throw new ExternalError(`cannot list ${this.location}/${folder}: ${(error as Error).message}`, { cause: error });
    }
    for (const entry of entries) {
      if (folder === '' && entry.name === LOCAL_STORE_TEMP_DIR) continue;
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) await this.walk(key, visit);
      else if (entry.isFile()) visit(key);
    }
  }

  /** The file for a key, after checking the key. */
  private pathOf(key: string): string {
    assertValidKey(key);
    if (key === LOCAL_STORE_TEMP_DIR || key.startsWith(`${LOCAL_STORE_TEMP_DIR}/`)) {
      throw new UsageError(`invalid object key '${key}': '${LOCAL_STORE_TEMP_DIR}/' is reserved for writes in progress in ${this.location}`);
    }
    const path = join(this.root, ...key.split('/'));
    // assertValidKey already rules out '..'; this guards against platform separators inside a part (e.g. '\' on Windows).
    if (!path.startsWith(this.root.endsWith(sep) ? this.root : this.root + sep)) throw new UsageError(`invalid object key '${key}': it resolves outside ${this.location}`);
    return path;
  }

  private async mkdirFor(key: string, path: string): Promise<void> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: PRIVATE_DIR });
    } catch (error) {
      if (errorCode(error) !== 'EEXIST' && errorCode(error) !== 'ENOTDIR') throw this.describe(error, key);
      // A file stands where a folder is needed: name the object that is in the way.
      const parts = key.split('/');
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join('/');
        if (await isFile(join(this.root, ...parts.slice(0, i)))) throw this.prefixConflict(key, parent);
      }
      throw this.describe(error, key);
    }
  }

  private prefixConflict(key: string, other: string): Error {
    return new ExternalError(
      `cannot write '${key}' in ${this.location}: it conflicts with '${other}'; a local directory store cannot hold a key that is also the folder of another key`,
    );
  }

  private describe(error: unknown, key: string): Error {
    return new ExternalError(`object '${key}' in ${this.location}: ${(error as Error).message}`, { cause: error });
  }
}

/** Writes a new file and flushes it to disk before returning, so a rename after it publishes complete bytes. */
async function writeDurably(path: string, body: Uint8Array): Promise<void> {
  const handle = await open(path, 'wx', PRIVATE_FILE);
  try {
    await handle.writeFile(body);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Flushes a directory entry change (rename, link) to disk where the platform allows it. */
async function syncDirectory(path: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch {
    // Some platforms (Windows) and filesystems cannot open or fsync a directory; the rename stands.
  } finally {
    await handle?.close();
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isFile();
  } catch {
    return false;
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
