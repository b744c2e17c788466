import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TSX_CACHE_FOLDER } from './file-temp-folder';

describe('the shared test set-up', () => {
  it("gives this file a temporary folder of its own, inside the machine's, for the file and the processes it starts", () => {
    expect(basename(tmpdir())).toMatch(/^test-file-/);
    expect(existsSync(tmpdir())).toBe(true);
    expect(basename(dirname(tmpdir()))).not.toMatch(/^test-file-/);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });

  it("links tsx's compile cache to the machine's, so commands started by tests keep their compiled code", () => {
    const link = join(tmpdir(), TSX_CACHE_FOLDER);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join(dirname(tmpdir()), TSX_CACHE_FOLDER));
  });
});
