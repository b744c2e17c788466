import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalDirectoryStore } from '../local-directory-store';
import { NX_CACHE_PREFIX } from './entries';
import { startNxCacheServer, type RunningNxCacheServer } from './server';

const WRITER = 'writer-token';
const READER = 'reader-token';

describe("the Nx remote cache server over the artifact store", () => {
  const dir = mkdtempSync(join(tmpdir(), 'nx-cache-store-'));
  const store = new LocalDirectoryStore(dir);
  const log: string[] = [];
  let server: RunningNxCacheServer;
  let readOnlyServer: RunningNxCacheServer;
  beforeAll(async () => {
    server = await startNxCacheServer({ store, tokens: { readWrite: [WRITER], readOnly: [READER] }, maxEntryBytes: 1024, log: (line) => log.push(line) });
    readOnlyServer = await startNxCacheServer({ store, tokens: { readWrite: [WRITER], readOnly: [READER] }, readOnly: true });
  });
  afterAll(async () => {
    await server?.close();
    await readOnlyServer?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const call = (path: string, init: { method?: string; token?: string; body?: Uint8Array } = {}, at = server) =>
    fetch(`${at.url}${path}`, {
      method: init.method ?? 'GET',
      headers: init.token ? { authorization: `Bearer ${init.token}` } : {},
      ...(init.body ? { body: init.body } : {}),
    });

  it('listens on the loopback address only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('stores an upload once and serves the same bytes to any token; a second upload of the hash is refused (409)', async () => {
    const body = Buffer.from('tar bytes of a task');
    expect((await call('/v1/cache/1111', { method: 'PUT', token: WRITER, body })).status).toBe(200);
    const hit = await call('/v1/cache/1111', { token: READER });
    expect(hit.status).toBe(200);
    expect(hit.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await hit.arrayBuffer()).equals(body)).toBe(true);
    const again = await call('/v1/cache/1111', { method: 'PUT', token: WRITER, body: Buffer.from('something else') });
    expect(again.status).toBe(409);
    expect(Buffer.from(await (await call('/v1/cache/1111', { token: WRITER })).arrayBuffer()).equals(body), 'the first write stays').toBe(true);
  });

  it('answers a hash it does not hold with 404', async () => {
    expect((await call('/v1/cache/2222', { token: READER })).status).toBe(404);
  });

  it('refuses a missing or wrong token (401), and an upload with a read-only token or to a read-only server (403)', async () => {
    expect((await call('/v1/cache/1111')).status).toBe(401);
    const wrong = await call('/v1/cache/1111', { token: 'guess' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toBe('invalid access token');
    expect((await call('/v1/cache/3333', { method: 'PUT', token: READER, body: Buffer.from('x') })).status).toBe(403);
    expect((await call('/v1/cache/3333', { method: 'PUT', token: WRITER, body: Buffer.from('x') }, readOnlyServer)).status).toBe(403);
    expect((await call('/v1/cache/3333', { token: READER })).status, 'nothing was written').toBe(404);
  });

  it('refuses a hash that is not one (400), an upload without Content-Length (400) or over the limit (413)', async () => {
    expect((await call('/v1/cache/..%2F..%2Fetc', { token: READER })).status).toBe(400);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(`${server.url}/v1/cache/4444`, { method: 'PUT', headers: { authorization: `Bearer ${WRITER}`, 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.once('error', reject);
      req.end('no length given');
    });
    expect(chunked).toBe(400);
    expect((await call('/v1/cache/5555', { method: 'PUT', token: WRITER, body: Buffer.alloc(2048) })).status).toBe(413);
  });

  it('keeps nothing of an upload cut off before its declared length', async () => {
    const port = Number(new URL(server.url).port);
    const status = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`PUT /v1/cache/6666 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${WRITER}\r\nContent-Length: 100\r\n\r\nonly part`);
        setTimeout(() => socket.end(), 100);
      });
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString()));
      socket.once('close', () => resolve(answer.split('\r\n')[0] ?? ''));
      socket.once('error', reject);
    });
    expect(status).not.toMatch(/ 200 /);
    expect((await call('/v1/cache/6666', { token: READER })).status).toBe(404);
  });

  it('treats a truncated or replaced entry as a miss, never serving wrong bytes', async () => {
    await call('/v1/cache/7777', { method: 'PUT', token: WRITER, body: Buffer.from('the real outputs') });
    const entryDir = join(dir, NX_CACHE_PREFIX, '7777');
    const [blob] = readdirSync(entryDir);
    writeFileSync(join(entryDir, blob!), 'the real out');
    expect((await call('/v1/cache/7777', { token: READER })).status).toBe(404);
    writeFileSync(join(entryDir, blob!), 'the fake outputs');
    expect((await call('/v1/cache/7777', { token: READER })).status).toBe(404);
    expect(log.some((line) => /GET 7777: miss, corrupt entry/.test(line))).toBe(true);
    writeFileSync(join(dir, NX_CACHE_PREFIX, '7777.json'), '{"not": "a manifest"}');
    expect((await call('/v1/cache/7777', { token: READER })).status).toBe(404);
  });
});
