import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ExternalError } from '@platform/workspace';

/** Resident memory (bytes) and parent of every process, from /proc. */
function processTable(): Map<number, { ppid: number; rss: number }> {
  const table = new Map<number, { ppid: number; rss: number }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      const rssKb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0);
      table.set(Number(name), { ppid, rss: rssKb * 1024 });
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** The summed resident memory of a process and all its descendants now. */
function treeRss(root: number): number {
  const table = processTable();
  const inTree = new Set([root]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, { ppid }] of table) {
      if (!inTree.has(pid) && inTree.has(ppid)) {
        inTree.add(pid);
        grew = true;
      }
    }
  }
  return [...inTree].reduce((sum, pid) => sum + (table.get(pid)?.rss ?? 0), 0);
}

export interface MeasuredRun {
  readonly seconds: number;
  /** The most memory the command and its child processes held at once (sampled every 100 ms). */
  readonly peakBytes: number;
}

/** Runs a command to its end, timing it and sampling the memory of its whole process tree. */
export function measureRun(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<MeasuredRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
    let peakBytes = 0;
    const sample = () => (peakBytes = Math.max(peakBytes, treeRss(child.pid!)));
    const timer = setInterval(sample, 100);
    child.once('error', reject);
    child.once('close', (code) => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) reject(new ExternalError(`${command} ${args.join(' ')} failed in ${cwd}:\n${stderr}`));
      else resolve({ seconds, peakBytes });
    });
  });
}
