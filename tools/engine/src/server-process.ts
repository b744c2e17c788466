import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a local server process ended. */
export interface ServerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the process could not be started at all. */
  readonly error?: Error;
}

const OUTPUT_LINES_KEPT = 40;

/** The last lines a server printed (stdout and stderr), for error messages. */
export class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  push(chunk: Buffer): void {
    const parts = (this.partial + chunk.toString('utf8')).split('\n');
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) this.lines.push(line);
    if (this.lines.length > OUTPUT_LINES_KEPT) this.lines.splice(0, this.lines.length - OUTPUT_LINES_KEPT);
  }

  /** The kept lines, each secret replaced by `***`. */
  text(secrets: readonly string[] = []): string {
    let text = [...this.lines, this.partial].filter((line) => line.trim()).join('\n');
    for (const secret of secrets) text = text.split(secret).join('***');
    return text || '(no output)';
  }
}

/** A started server process: the child, when it ends, and what it printed. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<ServerExit>;
  readonly output: OutputTail;
}

/**
 * Starts a server process. With `ownProcessGroup`, it leads a process group of its own, so a
 * Ctrl-C or SIGTERM sent to the caller's group does not reach it: the caller stops it, after
 * whatever it still needs the server for (a drill's teardown), and on exit.
 */
export function spawnServerProcess(binary: string, args: readonly string[], env: NodeJS.ProcessEnv, options: { readonly ownProcessGroup?: boolean } = {}): ServerProcess {
  // The servers keep state and objects on disk: umask 077 makes every file they create 0600 in
  // 0700 folders. `exec` keeps the child's pid the server's own, for the signals that stop it.
  const child = spawn('/bin/sh', ['-c', 'umask 077 && exec "$0" "$@"', binary, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: options.ownProcessGroup === true });
  const output = new OutputTail();
  child.stdout?.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr?.on('data', (chunk: Buffer) => output.push(chunk));
  const exited = new Promise<ServerExit>((resolveExit) => {
    child.once('error', (error) => resolveExit({ code: null, signal: null, error }));
    child.once('close', (code, signal) => resolveExit({ code, signal }));
  });
  return { child, exited, output };
}

export function describeExit(exit: ServerExit): string {
  if (exit.error) return `could not be started (${exit.error.message})`;
  return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** SIGTERM, then SIGKILL after the grace period; resolves once the process is gone. */
export async function terminate(server: ServerProcess, graceMs: number): Promise<void> {
  const { child, exited } = server;
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    await exited;
    return;
  }
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

/** Polls a health URL until it answers 200, the process exits, or the time is up. */
export async function waitUntilHealthy(url: string, server: ServerProcess, timeoutMs: number): Promise<'ready' | ServerExit | 'timeout'> {
  let exit: ServerExit | undefined;
  void server.exited.then((value) => (exit = value));
  const deadline = Date.now() + timeoutMs;
  let delay = 25;
  while (Date.now() < deadline) {
    if (exit) return exit;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.body?.cancel();
      if (response.status === 200) return 'ready';
    } catch {
      // not listening yet
    }
    await sleep(delay);
    delay = Math.min(delay * 2, 250);
  }
  return exit ?? 'timeout';
}

/** Servers started by this process, killed on exit so a crashed test never leaves one running. */
const live = new Set<{ readonly child: ChildProcess; readonly tempDataDir: string | undefined }>();
let exitHandlerInstalled = false;

function killAllOnExit(): void {
  for (const entry of live) {
    try {
      entry.child.kill('SIGKILL');
    } catch {
      // already gone
    }
    if (entry.tempDataDir) rmSync(entry.tempDataDir, { recursive: true, force: true });
  }
  live.clear();
}

/**
 * Kills the server (and removes its temporary data dir) if this process exits without stopping
 * it. Returns the function that forgets it, for when it was stopped.
 */
export function killOnExit(child: ChildProcess, tempDataDir: string | undefined): () => void {
  if (!exitHandlerInstalled) {
    process.on('exit', killAllOnExit);
    exitHandlerInstalled = true;
  }
  const entry = { child, tempDataDir };
  live.add(entry);
  return () => live.delete(entry);
}
