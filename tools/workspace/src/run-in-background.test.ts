import { describe, expect, it } from 'vitest';
import { runInBackground } from './run-in-background';

/** A node one-liner that echoes its stdin (empty when stdin is closed from the start). */
const ECHO_STDIN = ['-e', "let s='';process.stdin.on('data',(d)=>s+=d).on('end',()=>process.stdout.write('['+s+']'))"];

describe('runInBackground', () => {
  it('runs a command to its end and keeps what it printed', async () => {
    const run = await runInBackground(process.execPath, ['-e', "console.log('out'); console.error('err'); process.exit(3)"]);
    expect(run).toMatchObject({ code: 3, signal: null, stdout: 'out\n', stderr: 'err\n' });
  });

  it('gives the command its input once the input is known, after it started', async () => {
    let give: (text: string) => void = () => undefined;
    const input = new Promise<string>((resolve) => (give = resolve));
    const run = runInBackground(process.execPath, ECHO_STDIN, { input });
    setTimeout(() => give('stacks'), 50);
    expect((await run).stdout).toBe('[stacks]');
  });

  it('closes stdin without writing when the input resolves to nothing or fails', async () => {
    expect((await runInBackground(process.execPath, ECHO_STDIN, { input: Promise.resolve(undefined) })).stdout).toBe('[]');
    expect((await runInBackground(process.execPath, ECHO_STDIN, { input: Promise.reject(new Error('no stacks')) })).stdout).toBe('[]');
    expect((await runInBackground(process.execPath, ECHO_STDIN)).stdout).toBe('[]');
  });

  it('does not fail when the command ended before its input came', async () => {
    const run = await runInBackground(process.execPath, ['-e', 'process.exit(0)'], { input: new Promise((resolve) => setTimeout(() => resolve('late'), 200)) });
    expect(run.code).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});
