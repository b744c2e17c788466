import { readFileSync } from 'node:fs';

/** The parent of a process, from /proc (Linux); undefined where /proc is not there or the process is gone. */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** This process's launchers: its parent, and theirs, up to `levels`, never init. */
export function launchers(levels: number): number[] {
  const found: number[] = [];
  let pid: number | undefined = process.ppid;
  while (pid !== undefined && pid > 1 && found.length < levels) {
    found.push(pid);
    pid = parentOf(pid);
  }
  return found;
}

/**
 * Calls `onGone` once when a process that launched this one exits. `npx` exits on SIGTERM
 * without passing it on to the tsx below it, so a foreground server started with
 * `npx tsx … start` would otherwise outlive the script or runner that stopped it. Watches the
 * parent and two more levels (npx, its shell, tsx); with no /proc, the parent only. Returns the
 * function that stops watching.
 */
export function whenLauncherExits(onGone: (pid: number) => void, options: { readonly levels?: number; readonly intervalMs?: number } = {}): () => void {
  const watched = launchers(options.levels ?? 3);
  const timer = setInterval(() => {
    const gone = watched.find((pid) => !alive(pid));
    if (gone === undefined) return;
    clearInterval(timer);
    onGone(gone);
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
