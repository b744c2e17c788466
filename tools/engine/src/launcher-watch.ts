import { isProcessLive, parentOf, startTimeOf } from './process-liveness';

interface Launcher {
  readonly pid: number;
  readonly startedAt: string | undefined;
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

/** Gone: exited (a zombie included), or its pid now names a process started later. */
function gone(launcher: Launcher): boolean {
  return !isProcessLive(launcher.pid) || startTimeOf(launcher.pid) !== launcher.startedAt;
}

/**
 * Calls `onGone` once when a process that launched this one exits. `npx` passes SIGTERM to
 * its shell only, which exits without passing it on to the tsx below it, so a foreground server started with
 * `npx tsx … start` would otherwise outlive the script or runner that stopped it. Watches the
 * parent and two more levels (npx, its shell, tsx); with no /proc, the parent only. A launcher
 * that became a zombie counts as gone: where init does not reap orphans, an exited npx whose
 * parent is gone stays in the process table. Returns the function that stops watching.
 */
export function whenLauncherExits(onGone: (pid: number) => void, options: { readonly levels?: number; readonly intervalMs?: number } = {}): () => void {
  const watched: Launcher[] = launchers(options.levels ?? 3).map((pid) => ({ pid, startedAt: startTimeOf(pid) }));
  const timer = setInterval(() => {
    const exited = watched.find(gone);
    if (exited === undefined) return;
    clearInterval(timer);
    onGone(exited.pid);
  }, options.intervalMs ?? 500);
  timer.unref();
  return () => clearInterval(timer);
}
