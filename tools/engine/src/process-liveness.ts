import { readFileSync } from 'node:fs';

/** The fields of `/proc/<pid>/stat` after the command name, which may hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function signalable(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True while `pid` runs. A zombie counts as gone: it has exited, and where init does not reap
 * orphans (some containers and micro-VMs) it stays in the process table for good, so a signal
 * test alone would call it alive forever.
 */
export function isProcessLive(pid: number | undefined): boolean {
  if (pid === undefined || !signalable(pid)) return false;
  const fields = statFields(pid);
  if (fields === undefined) return process.platform !== 'linux';
  return fields[0] !== 'Z' && fields[0] !== 'X';
}

/** The parent of a process, from /proc (Linux); undefined where /proc is not there or the process is gone. */
export function parentOf(pid: number): number | undefined {
  const ppid = Number(statFields(pid)?.[1]);
  return Number.isInteger(ppid) ? ppid : undefined;
}

/** When the process started (clock ticks since boot), to tell a process from a later one given the same pid. */
export function startTimeOf(pid: number): string | undefined {
  return statFields(pid)?.[19];
}
