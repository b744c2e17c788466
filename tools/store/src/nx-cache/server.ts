import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ObjectStore } from '../object-store';
import { readEntry, TASK_HASH, writeEntry } from './entries';

/** Bearer tokens the server accepts: read-write ones may upload, read-only ones only download. */
export interface CacheTokens {
  readonly readWrite: readonly string[];
  readonly readOnly: readonly string[];
}

export interface NxCacheServerOptions {
  readonly store: ObjectStore;
  readonly tokens: CacheTokens;
  /** Refuse every upload (a pull request's runner: what it builds must not reach main's cache). */
  readonly readOnly?: boolean;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default 0 (any free port) */
  readonly port?: number;
  /** The largest upload accepted, in bytes. @default 1 GiB */
  readonly maxEntryBytes?: number;
  readonly log?: (line: string) => void;
}

export interface RunningNxCacheServer {
  /** What NX_SELF_HOSTED_REMOTE_CACHE_SERVER is set to. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Compares a presented token with each known one in constant time (over their digests). */
function matches(presented: string, known: readonly string[]): boolean {
  const candidate = digest(presented);
  return known.map((token) => timingSafeEqual(candidate, digest(token))).includes(true);
}

function reply(response: ServerResponse, status: number, text?: string): void {
  // Nx shows the text to its user, and insists on exactly text/plain for it.
  response.writeHead(status, text === undefined ? {} : { 'content-type': 'text/plain' });
  response.end(text);
}

type Access = 'read-write' | 'read-only';

function accessOf(request: IncomingMessage, tokens: CacheTokens): Access | { readonly status: 401; readonly why: string } {
  const header = request.headers.authorization;
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
  if (!presented) return { status: 401, why: 'missing bearer token (set NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN)' };
  if (matches(presented, tokens.readWrite)) return 'read-write';
  if (matches(presented, tokens.readOnly)) return 'read-only';
  return { status: 401, why: 'invalid access token' };
}

/** Reads exactly `length` bytes of the request body, or undefined when it is shorter, longer or aborted. */
function readBody(request: IncomingMessage, length: number): Promise<Uint8Array | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on('data', (chunk: Buffer) => {
      received += chunk.byteLength;
      if (received > length) {
        resolve(undefined);
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(received === length ? Buffer.concat(chunks) : undefined));
    request.once('error', () => resolve(undefined));
    request.once('aborted', () => resolve(undefined));
  });
}

/**
 * Nx's self-hosted remote cache API (`GET` and `PUT /v1/cache/{hash}`, Nx 20.8+) over the
 * artifact store: entries are written once and checked on every read, uploads need a
 * read-write bearer token, and a read-only server refuses them all.
 */
export async function startNxCacheServer(options: NxCacheServerOptions): Promise<RunningNxCacheServer> {
  const { store, tokens } = options;
  if (tokens.readWrite.length + tokens.readOnly.length === 0) throw new Error('a cache server needs at least one access token');
  const log = options.log ?? (() => {});
  const maxEntryBytes = options.maxEntryBytes ?? 1024 ** 3;

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const match = /^\/v1\/cache\/([^/?]+)$/.exec(request.url ?? '');
    if (!match) return reply(response, 404, 'not found: the API is GET and PUT /v1/cache/{hash}');
    const hash = decodeURIComponent(match[1]!);
    if (!TASK_HASH.test(hash)) return reply(response, 400, `invalid task hash '${hash}'`);
    const access = accessOf(request, tokens);
    if (typeof access !== 'string') return reply(response, access.status, access.why);

    if (request.method === 'GET') {
      let outcome;
      try {
        outcome = await readEntry(store, hash);
      } catch (error) {
        // Unreachable store: a miss, so the task runs rather than the build failing.
        log(`GET ${hash}: miss, the store failed (${(error as Error).message})`);
        return reply(response, 404, 'the store could not be read');
      }
      if (!outcome.found) {
        log(`GET ${hash}: ${outcome.why === 'absent' ? 'miss' : `miss, corrupt entry (${outcome.detail})`}`);
        return reply(response, 404, outcome.why === 'absent' ? 'no such entry' : 'the entry is corrupt');
      }
      log(`GET ${hash}: hit (${outcome.body.byteLength} bytes)`);
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': outcome.body.byteLength });
      response.end(outcome.body);
      return;
    }

    if (request.method === 'PUT') {
      if (options.readOnly) return reply(response, 403, 'this cache server is read-only: uploads from here would reach every later build');
      if (access !== 'read-write') return reply(response, 403, 'a read-only token cannot upload');
      const declared = request.headers['content-length'];
      const length = declared === undefined ? Number.NaN : Number(declared);
      if (!Number.isInteger(length) || length < 0) return reply(response, 400, 'missing or invalid Content-Length header');
      if (length > maxEntryBytes) return reply(response, 413, `an entry may hold ${maxEntryBytes} bytes at most, this one ${length}`);
      const body = await readBody(request, length);
      if (!body) return reply(response, 400, `the body is not the ${length} bytes Content-Length declares`);
      const written = await writeEntry(store, hash, body);
      if (!written) {
        log(`PUT ${hash}: refused, the entry exists`);
        return reply(response, 409, 'cannot override an existing record');
      }
      log(`PUT ${hash}: stored (${body.byteLength} bytes)`);
      return reply(response, 200);
    }

    response.setHeader('allow', 'GET, PUT');
    return reply(response, 405, `method ${request.method} is not allowed`);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`${request.method} ${request.url}: failed (${(error as Error).message})`);
      if (!response.headersSent) reply(response, 500, (error as Error).message);
      else response.destroy();
    });
  });
  server.requestTimeout = 5 * 60_000;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
