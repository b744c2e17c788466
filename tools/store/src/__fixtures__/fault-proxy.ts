import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/**
 * What the proxy does with the next requests: answer with an error status without forwarding,
 * forward and then answer 503 (the write happened, its response is lost), or never answer.
 */
export type Fault = { readonly status: number } | 'lose-response' | 'hang';

/**
 * A tiny HTTP proxy on 127.0.0.1 in front of a real server (the S3 server or the GCS emulator)
 * that injects faults, to prove timeouts and retries against real requests. A hang is a server
 * that accepts the connection and never answers, deterministically: stopping the server process
 * with SIGSTOP proved to be undone under CI load (twice a get resolved while it was "stopped").
 */
export interface FaultProxy {
  readonly endpoint: string;
  /** Every request it received, as `METHOD path`. */
  readonly requests: string[];
  /** The faults to apply, in order, one per request; requests beyond them are forwarded. */
  faults: Fault[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const state: { faults: Fault[]; requests: string[] } = { faults: [], requests: [] };
  const forward = (req: IncomingMessage, res: ServerResponse, loseResponse: boolean) => {
    const out = request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      if (loseResponse) {
        answer.resume();
        answer.on('end', () => res.writeHead(503, { 'content-type': 'application/json' }).end('{"error":{"code":503,"message":"response lost"}}'));
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    out.on('error', (error) => res.destroy(error));
    req.pipe(out);
  };
  const server: Server = createServer((req, res) => {
    state.requests.push(`${req.method} ${req.url}`);
    const fault = state.faults.shift();
    if (fault === 'hang') return;
    if (fault === 'lose-response') return forward(req, res, true);
    if (fault) {
      req.resume();
      res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: fault.status, message: `injected ${fault.status}` } }));
      return;
    }
    forward(req, res, false);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get requests() {
      return state.requests;
    },
    get faults() {
      return state.faults;
    },
    set faults(value: Fault[]) {
      state.faults = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
