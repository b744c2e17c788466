import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { cdktfMatchers } from './matchers';

expect.extend(cdktfMatchers);

/**
 * Each test file gets a temporary folder of its own (os.tmpdir() follows TMPDIR, for the file and
 * the processes it starts), removed after the file's own hooks: whatever a test, cdktf's
 * `Testing.app()` or a command under test leaves there does not pile up on the machine, and a
 * file can list what is left there without seeing the files running beside it.
 */
const sharedTmp = process.env.TMPDIR;
const fileTmp = mkdtempSync(join(tmpdir(), 'test-file-'));
process.env.TMPDIR = fileTmp;
afterAll(() => {
  if (sharedTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = sharedTmp;
  rmSync(fileTmp, { recursive: true, force: true });
});
