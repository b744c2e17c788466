import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { isProcessLive as isRunning } from './process-liveness';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** The processes whose command line names `text` (the data dir): the command, its tsx and node, the server itself. */
function processesNaming(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number)
    .filter(isRunning);
}

/** Runs a command through npx, as a script or a runner step does, in a process group of its own. */
function spawnThroughNpx(args: readonly string[]) {
  const child = spawn('npx', args, { cwd: WORKSPACE, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { child, exited, stderr: () => stderr };
}

/** Starts a server command through npx and waits for the JSON line it prints. */
async function startThroughNpx(args: readonly string[]): Promise<{ launcher: number; serverPid: number; exited: Promise<unknown>; output: () => string }> {
  const { child, exited, stderr } = spawnThroughNpx(args);
  const serverPid = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { pid: number }).pid);
    });
    child.once('exit', (code) => reject(new Error(`npx exited with ${code} before the server was up: ${stderr()}`)));
  });
  return { launcher: child.pid!, serverPid, exited, output: stderr };
}

const SERVER_COMMANDS: [string, string[]][] = [
  ['s3-server', ['tools/engine/bin/s3-server.mts', 'start']],
  ['gcs-server', ['tools/engine/bin/gcs-server.mts', 'start', '--backend', 'filesystem']],
];

describe('the server commands started through npx', () => {
  const dirs: string[] = [];
  const started: number[] = [];
  afterAll(() => {
    // A server that outlived its npx (the fault under test) is stopped here, whatever the outcome.
    for (const pid of started.filter(isRunning)) process.kill(pid, 'SIGKILL');
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  });

  it.each(SERVER_COMMANDS)('%s start: SIGTERM to npx alone (which passes it to its shell only, never to tsx) stops the server and frees its data dir', async (_name, command) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'npx-server-'));
    dirs.push(dataDir);
    const { launcher, serverPid, exited, output } = await startThroughNpx(['tsx', ...command, '--data-dir', dataDir]);
    started.push(serverPid);
    expect(existsSync(join(dataDir, 'server.lock')), 'the data dir is held').toBe(true);
    process.kill(launcher, 'SIGTERM');
    await exited;
    await waitUntil(() => !isRunning(serverPid) && !existsSync(join(dataDir, 'server.lock')), 10_000);
    const processes = spawnSync('ps', ['-eo', 'pid,ppid,stat,args'], { encoding: 'utf8' }).stdout;
    const diagnosis = `what the command printed:\n${output()}\nprocesses:\n${processes}`;
    expect(isRunning(serverPid), `the server stopped with the npx that started it; ${diagnosis}`).toBe(false);
    expect(existsSync(join(dataDir, 'server.lock')), 'and released its data dir').toBe(false);
  }, 60_000);

  it.each(SERVER_COMMANDS)('%s start: SIGTERM to npx while the server starts (its first log line) leaves no process and no lock behind', async (name, command) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'npx-server-early-'));
    dirs.push(dataDir);
    const { child, exited, stderr } = spawnThroughNpx(['tsx', ...command, '--data-dir', dataDir]);
    // The first line the command logs comes from the build-or-reuse step, before the server starts.
    const label = `${name.replace('-', ' ')}:`;
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', () => {
        if (stderr().includes(label)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`npx exited with ${code} before the command logged anything: ${stderr()}`)));
    });
    process.kill(child.pid!, 'SIGTERM');
    await exited;
    await waitUntil(() => processesNaming(dataDir).length === 0 && !existsSync(join(dataDir, 'server.lock')), 15_000);
    started.push(...processesNaming(dataDir));
    expect(processesNaming(dataDir), `every process of the command is gone; what it printed:\n${stderr()}`).toEqual([]);
    expect(existsSync(join(dataDir, 'server.lock')), 'and the data dir is free').toBe(false);
  }, 60_000);
});
