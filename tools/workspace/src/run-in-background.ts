import { spawn, type SpawnOptions } from 'node:child_process';

export interface BackgroundRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface BackgroundRunOptions extends Omit<SpawnOptions, 'stdio'> {
  /** Characters kept of each output stream, the last ones (default 1 MiB). */
  readonly keepBytes?: number;
  /**
   * What the command reads on stdin, once known: written when it resolves, then stdin closes (at
   * once when it resolves to undefined or rejects). Without it, stdin is closed from the start.
   */
  readonly input?: PromiseLike<string | undefined>;
}

/**
 * Runs a command to its end without holding this process (unlike spawnSync), so that it can do
 * other work meanwhile, or answer the command itself (a server in this process). Each stream
 * keeps its last `keepBytes` characters.
 */
export function runInBackground(command: string, args: readonly string[], options: BackgroundRunOptions = {}): Promise<BackgroundRun> {
  const { keepBytes, input, ...spawnOptions } = options;
  const keep = keepBytes ?? 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...spawnOptions, stdio: [input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (input) {
      // A child that ended before its input came closes the pipe: writing then is not an error.
      child.stdin!.on('error', () => undefined);
      input.then(
        (text) => child.stdin!.end(text),
        () => child.stdin!.end(),
      );
    }
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-keep)));
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-keep)));
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/**
 * A promise that is awaited only after other work: a failure meanwhile is reported where it is
 * awaited, not as an unhandled rejection that ends the process first.
 */
export function awaitedLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}
