import { createServer } from 'node:net';
import { ExternalError } from '@platform/workspace';

/**
 * A TCP port that is free on `host` right now: the OS picks one for a listener on port 0,
 * which is closed again before returning. Another process may take it before the caller
 * binds it, so callers retry with a new port when the bind fails.
 */
export function pickFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close((error) => (error ? reject(error) : port ? resolve(port) : reject(new ExternalError(`no port assigned on ${host}`))));
    });
  });
}
