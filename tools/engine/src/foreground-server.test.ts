import { describe, expect, it } from 'vitest';
import { serveInForeground, type ForegroundServer } from './foreground-server';
import type { ServerExit } from './server-process';

/** A server of our own interface: it exits when stopped, or on its own through `crash`. */
function serverDouble(): ForegroundServer & { stops: number; crash(exit: ServerExit): void } {
  let end!: (exit: ServerExit) => void;
  const exited = new Promise<ServerExit>((resolve) => (end = resolve));
  const server = {
    stops: 0,
    exited,
    outputTail: () => 'panic: the disk is gone',
    stop: async () => {
      server.stops += 1;
      end({ code: 0, signal: null });
      await exited;
    },
    crash: (exit: ServerExit) => end(exit),
  };
  return server;
}

/** Lets the pending promise callbacks run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('serveInForeground', () => {
  it('stops a server a SIGTERM came for while it started, as soon as it is up, and never announces it', async () => {
    const server = serverDouble();
    let up!: () => void;
    const lines: string[] = [];
    const announced: unknown[] = [];
    const done = serveInForeground({ label: 'test server', log: (line) => lines.push(line), announce: (s) => announced.push(s), start: () => new Promise<typeof server>((resolve) => (up = () => resolve(server))) });
    await settle();
    process.emit('SIGTERM', 'SIGTERM');
    up();
    expect(await done).toBe(0);
    expect(announced).toEqual([]);
    expect(server.stops).toBeGreaterThan(0);
    expect(lines).toEqual(['test server: SIGTERM received, stopping as soon as it is up', 'test server: stopped']);
  });

  it('announces a server once it is up and stops it on SIGINT, exiting 0', async () => {
    const server = serverDouble();
    const lines: string[] = [];
    let announced = 0;
    const done = serveInForeground({ label: 'test server', log: (line) => lines.push(line), announce: () => (announced += 1), start: async () => server });
    await settle();
    expect(announced).toBe(1);
    process.emit('SIGINT', 'SIGINT');
    expect(await done).toBe(0);
    expect(lines).toEqual(['test server: SIGINT received, stopping', 'test server: stopped']);
  });

  it('exits 1 with the server output when the server stops on its own', async () => {
    const server = serverDouble();
    const lines: string[] = [];
    const done = serveInForeground({ label: 'test server', log: (line) => lines.push(line), announce: () => undefined, start: async () => server });
    await settle();
    server.crash({ code: 2, signal: null });
    expect(await done).toBe(1);
    expect(lines).toEqual(['test server: the server stopped on its own (code 2); its last output:\npanic: the disk is gone']);
  });

  it('counts a start that fails after a stop was asked for (Ctrl-C reaches the build too) as stopped, and any other failed start as a fault', async () => {
    const lines: string[] = [];
    let fail!: (error: Error) => void;
    const done = serveInForeground({ label: 'test server', log: (line) => lines.push(line), announce: () => undefined, start: () => new Promise<ForegroundServer>((_resolve, reject) => (fail = reject)) });
    await settle();
    process.emit('SIGINT', 'SIGINT');
    fail(new Error('go build: signal: interrupt\nmore'));
    expect(await done).toBe(0);
    expect(lines).toEqual(['test server: SIGINT received, stopping as soon as it is up', 'test server: stopped before it was up (go build: signal: interrupt)']);
  });

  it('takes its signal handlers away when it ends, started or not', async () => {
    const before = [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    await expect(serveInForeground({ label: 'test server', log: () => undefined, announce: () => undefined, start: () => Promise.reject(new Error('no binary')) })).rejects.toThrow('no binary');
    const server = serverDouble();
    const done = serveInForeground({ label: 'test server', log: () => undefined, announce: () => undefined, start: async () => server });
    await settle();
    process.emit('SIGTERM', 'SIGTERM');
    await done;
    expect([process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')]).toEqual(before);
  });
});
