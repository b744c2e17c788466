import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessLive as alive } from './process-liveness';

/** `<dataDir>/server.lock`: the pid of the process that holds the data dir, and of the server it started. */
export const DATA_DIR_LOCK = 'server.lock';

interface DataDirLock {
  readonly owner: number;
  readonly server?: number;
}

/**
 * Takes the data dir of a local server (the S3 server, the GCS emulator) for this process. A
 * holder that is still running is refused, naming it; a server left behind by a holder that died
 * (SIGKILL) is stopped first, so that a re-run finds the data (and the state) the earlier run
 * left, served by one server only. Returns the release.
 */
export async function claimDataDir(dataDir: string, graceMs: number, what: { readonly server: string; readonly error: (message: string) => Error }): Promise<() => void> {
  const lock = join(dataDir, DATA_DIR_LOCK);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(lock, JSON.stringify({ owner: process.pid } satisfies DataDirLock), { flag: 'wx', mode: 0o600 });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw what.error(`cannot lock the data dir ${dataDir}: ${(error as Error).message}`);
    }
    let held: DataDirLock | undefined;
    try {
      held = JSON.parse(readFileSync(lock, 'utf8')) as DataDirLock;
    } catch {
      held = undefined;
    }
    if (held && alive(held.owner)) {
      throw what.error(
        `the data dir ${dataDir} is in use by process ${held.owner}${held.server ? ` (${what.server} pid ${held.server})` : ''}: two servers on one data dir would corrupt it; stop that one first`,
      );
    }
    if (held?.server !== undefined && alive(held.server)) {
      // Its owner is gone: an orphan, serving this data dir to nobody.
      process.kill(held.server, 'SIGTERM');
      const deadline = Date.now() + graceMs;
      while (alive(held.server) && Date.now() < deadline) await sleep(100);
      if (alive(held.server)) process.kill(held.server, 'SIGKILL');
    }
    rmSync(lock, { force: true });
  }
  throw what.error(`cannot lock the data dir ${dataDir}: another process keeps taking it`);
}

/** Adds the pid of the server started on a claimed data dir to its lock, so a later claim can stop an orphan. */
export function recordServerPid(dataDir: string, pid: number): void {
  const lock = join(dataDir, DATA_DIR_LOCK);
  if (!existsSync(lock)) return;
  writeFileSync(lock, JSON.stringify({ owner: process.pid, server: pid } satisfies DataDirLock), { mode: 0o600 });
}
