import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { pickFreePort } from './free-port';

function listen(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () =>
      resolve(() => new Promise((done) => server.close(() => done()))),
    );
  });
}

describe('pickFreePort', () => {
  it('returns a port that can be bound on 127.0.0.1 right away', async () => {
    const port = await pickFreePort();

    expect(port).toBeGreaterThan(0);
    expect(port).toBeLessThanOrEqual(65_535);
    const close = await listen(port);
    await close();
  });

  it('never returns a port that is in use', async () => {
    const taken = await pickFreePort();
    const close = await listen(taken);
    try {
      const picks = await Promise.all(Array.from({ length: 20 }, () => pickFreePort()));
      expect(picks).not.toContain(taken);
    } finally {
      await close();
    }
  });
});
