import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { isProcessLive, parentOf, startTimeOf } from './process-liveness';

describe('process liveness (Linux, from /proc)', () => {
  it('counts a zombie as gone, though a signal test still reaches it', async () => {
    // The background sleep's parent execs into a sleep that never waits: once it exits, it stays a zombie.
    const parent = spawn('/bin/sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const zombie = await new Promise<number>((resolve) => parent.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
      expect(isProcessLive(zombie), 'running').toBe(true);
      await sleep(600);
      expect(() => process.kill(zombie, 0), 'still in the process table').not.toThrow();
      expect(isProcessLive(zombie), 'exited').toBe(false);
    } finally {
      parent.kill('SIGKILL');
    }
  });

  it('tells a live process, its parent and its start time; nothing for a pid that is not there', () => {
    expect(isProcessLive(process.pid)).toBe(true);
    expect(parentOf(process.pid)).toBe(process.ppid);
    expect(startTimeOf(process.pid)).toMatch(/^\d+$/);
    expect(startTimeOf(process.pid)).toBe(startTimeOf(process.pid));
    expect(isProcessLive(undefined)).toBe(false);
    expect(isProcessLive(2 ** 22 + 1)).toBe(false);
    expect(startTimeOf(2 ** 22 + 1)).toBeUndefined();
  });
});
