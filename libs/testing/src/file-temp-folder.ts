import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

/**
 * tsx keeps its compile cache in the temporary folder: a file's own folder links to the
 * machine's one, so the commands a test starts do not compile the TypeScript again for every file.
 */
export const TSX_CACHE_FOLDER = `tsx-${process.geteuid?.() ?? userInfo().username}`;

/**
 * Gives the running test file a temporary folder of its own (os.tmpdir() follows TMPDIR, for
 * the file and the processes it starts); the returned function puts TMPDIR back and removes the
 * folder. What a test, cdktf's `Testing.app()`, Nx (a 23 MB copy of its native module per
 * workspace copy) or a command under test leaves there then does not pile up on the machine, and
 * a file can list what is left there without seeing the files running beside it.
 */
export function useFileTempFolder(): () => void {
  const sharedTmp = process.env.TMPDIR;
  const machineTmp = tmpdir();
  const fileTmp = mkdtempSync(join(machineTmp, 'test-file-'));
  mkdirSync(join(machineTmp, TSX_CACHE_FOLDER), { recursive: true, mode: 0o700 });
  symlinkSync(join(machineTmp, TSX_CACHE_FOLDER), join(fileTmp, TSX_CACHE_FOLDER));
  process.env.TMPDIR = fileTmp;
  return () => {
    if (sharedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = sharedTmp;
    rmSync(fileTmp, { recursive: true, force: true });
  };
}
