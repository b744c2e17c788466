import { whenLauncherExits } from './launcher-watch';
import type { ServerExit } from './server-process';

/** What the foreground commands need of a started server (s3 or gcs). */
export interface ForegroundServer {
  readonly exited: Promise<ServerExit>;
  outputTail(): string;
  stop(): Promise<void>;
}

export interface ServeInForegroundOptions<S extends ForegroundServer> {
  /** The prefix of every line logged, e.g. `s3 server`. */
  readonly label: string;
  /** Builds (or reuses) and starts the server. */
  readonly start: () => Promise<S>;
  /** Tells the caller the server is up (its JSON line); called only if no stop came first. */
  readonly announce: (server: S) => void;
  readonly log: (line: string) => void;
}

/**
 * Runs a server until SIGINT, SIGTERM or the exit of a launcher (npx, its shell, tsx), and returns
 * the exit code: 0 when stopped that way, 1 when the server stopped on its own.
 *
 * The launchers are read and the signals handled before the server starts, not after it is
 * announced: a script that kills npx as soon as it reads the JSON line can otherwise get there
 * first, orphan the tsx below it, and leave a server no launcher watch will ever see go (seen on
 * a loaded CI machine). A stop that comes while the server starts stops it as soon as it is up;
 * if the start then fails (Ctrl-C reaches a Go build too), that counts as stopped, not as a fault.
 * The window left is the command's own module loading, before this runs.
 */
export async function serveInForeground<S extends ForegroundServer>(options: ServeInForegroundOptions<S>): Promise<number> {
  const { label, log } = options;
  let server: S | undefined;
  let stopReason: string | undefined;
  const requestStop = (why: string) => {
    if (stopReason !== undefined) return;
    stopReason = why;
    log(`${label}: ${why}, stopping${server ? '' : ' as soon as it is up'}`);
    if (server) void server.stop();
  };
  const onSigint = () => requestStop('SIGINT received');
  const onSigterm = () => requestStop('SIGTERM received');
  process.once('SIGINT', onSigint);
  process.once('SIGTERM', onSigterm);
  const stopWatching = whenLauncherExits((pid) => requestStop(`the process that started it (pid ${pid}) exited`));
  try {
    try {
      server = await options.start();
    } catch (error) {
      // Ctrl-C in a terminal reaches the Go build below too, which then fails: that is the stop asked for, not a fault.
      if (stopReason === undefined) throw error;
      log(`${label}: stopped before it was up (${(error as Error).message.split('\n')[0]})`);
      return 0;
    }
    if (stopReason === undefined) options.announce(server);
    else void server.stop();
    const exit = await server.exited;
    await server.stop();
    // Ctrl-C in a terminal signals the server too: it then exits cleanly (code 0) on its own.
    if (stopReason === undefined && exit.code !== 0) {
      log(`${label}: the server stopped on its own (${exit.signal ?? `code ${exit.code}`}); its last output:\n${server.outputTail()}`);
      return 1;
    }
    log(`${label}: stopped`);
    return 0;
  } finally {
    stopWatching();
    process.off('SIGINT', onSigint);
    process.off('SIGTERM', onSigterm);
  }
}
