import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the shared test set-up', () => {
  it("gives this file a temporary folder of its own, inside the machine's, for the file and the processes it starts", () => {
    expect(basename(tmpdir())).toMatch(/^test-file-/);
    expect(existsSync(tmpdir())).toBe(true);
    expect(basename(dirname(tmpdir()))).not.toMatch(/^test-file-/);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });
});
