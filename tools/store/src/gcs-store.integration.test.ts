import { IdempotencyStrategy } from '@google-cloud/storage';
import { findWorkspaceRoot } from '@platform/config';
import { ensureGcsServer, readPinnedVersions, startGcsServer, type RunningGcsServer } from '@platform/engine';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './__fixtures__/fault-proxy';
import { GcsStore } from './gcs-store';
import { openStore } from './open-store';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const BUCKET = 'gcs-store-test';

let binary: string;
let emulator: RunningGcsServer | undefined;
const servers: RunningGcsServer[] = [];
let proxy: FaultProxy | undefined;
let storeCount = 0;

beforeAll(async () => {
  // The first run on a machine builds fake-gcs-server from the Go module proxy; later runs reuse the cache.
  ({ binary } = await ensureGcsServer({ versions: readPinnedVersions(workspaceRoot), log: (line) => console.log(line) }));
  emulator = await startGcsServer({ binary, buckets: [BUCKET] });
  proxy = await startFaultProxy(emulator.endpoint);
}, 900_000);

afterAll(async () => {
  await proxy?.close();
  await emulator?.stop();
  await Promise.all(servers.map((server) => server.stop()));
});

beforeEach(() => {
  proxy!.faults = [];
  proxy!.requests.length = 0;
});

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array | undefined) => (body === undefined ? undefined : new TextDecoder().decode(body));
/** A store with its own prefix, through the fault proxy; waits between retries are capped at 1 s to keep the tests short. */
const behindProxy = (options: Partial<ConstructorParameters<typeof GcsStore>[0]> = {}) =>
  new GcsStore({ bucket: BUCKET, prefix: `retries/store-${++storeCount}`, apiEndpoint: proxy!.endpoint, maxRetryDelay: 1, ...options });

describe('GcsStore retries', () => {
  it('configures the client to retry every call, conditional writes included, with backoff', () => {
    const store = new GcsStore({ bucket: BUCKET, apiEndpoint: emulator!.endpoint });

    expect(store.client.retryOptions).toMatchObject({
      autoRetry: true,
      maxRetries: 3,
      retryDelayMultiplier: 2,
      maxRetryDelay: 16,
      idempotencyStrategy: IdempotencyStrategy.RetryAlways,
    });
  });

  it.each([
    ['put', (store: GcsStore) => store.put('k', bytes('v')), { written: true }],
    ['put ifAbsent', (store: GcsStore) => store.put('once', bytes('v'), { ifAbsent: true }), { written: true }],
    ['get', (store: GcsStore) => store.get('seeded').then(text), 'seed'],
    ['list', (store: GcsStore) => store.list(''), ['seeded']],
    ['delete', (store: GcsStore) => store.delete('seeded'), undefined],
  ] as const)('retries a %s that gets 503 twice, and succeeds on the third request', async (_, operation, expected) => {
    const store = behindProxy();
    await store.put('seeded', bytes('seed'));
    proxy!.requests.length = 0;
    proxy!.faults = [{ status: 503 }, { status: 503 }];

    expect(await operation(store)).toEqual(expected);

    expect(proxy!.faults).toEqual([]);
    expect(proxy!.requests.slice(0, 3)).toEqual([proxy!.requests[0], proxy!.requests[0], proxy!.requests[0]]);
  });

  it('retries a 429 (rate limit) as well', async () => {
    const store = behindProxy();
    await store.put('k', bytes('v'));
    proxy!.faults = [{ status: 429 }];

    expect(text(await store.get('k'))).toBe('v');
    expect(proxy!.faults).toEqual([]);
  });

  it('reports a write-if-absent whose winning response was lost as written, learning it from its write id on the 412 of the retry', async () => {
    const store = behindProxy();
    proxy!.faults = ['lose-response'];

    expect(await store.put('lock', bytes('holder-a'), { ifAbsent: true })).toEqual({ written: true });

    expect(proxy!.requests.filter((line) => line.includes('ifGenerationMatch=0'))).toHaveLength(2);
    expect(text(await store.get('lock'))).toBe('holder-a');
    expect(await store.put('lock', bytes('holder-b'), { ifAbsent: true })).toEqual({ written: false });
  });

  it('gives up after the retries with an error naming the location, the key and the status', async () => {
    const store = behindProxy({ maxRetries: 2 });
    proxy!.faults = Array.from({ length: 10 }, () => ({ status: 503 }));

    await expect(store.get('k')).rejects.toThrow(new RegExp(`cannot get 'k' in gs://${BUCKET}/retries/store-\\d+: HTTP 503`));
    expect(proxy!.requests).toHaveLength(3);
  });

  it('does not retry a 412 on a plain write-if-absent loser, nor a 404', async () => {
    const store = behindProxy();
    await store.put('taken', bytes('first'), { ifAbsent: true });
    proxy!.requests.length = 0;

    expect(await store.put('taken', bytes('second'), { ifAbsent: true })).toEqual({ written: false });
    expect(await store.get('missing')).toBeUndefined();

    // The refused upload, the metadata read that checks its write id, the 404 and the list that confirms the bucket.
    expect(proxy!.requests).toHaveLength(4);
  });
});

describe('GcsStore failures', () => {
  it('times out a server that never answers, with an error naming the location and the key, within the configured bound', async () => {
    const store = behindProxy({ timeout: 500, maxRetries: 1 });
    proxy!.faults = Array.from({ length: 10 }, () => 'hang' as const);

    for (const [name, operation] of [
      ['get', () => store.get('k')],
      ['put', () => store.put('k', bytes('v'), { ifAbsent: true })],
      ['list', () => store.list('')],
      ['delete', () => store.delete('k')],
    ] as const) {
      const started = Date.now();
      const key = name === 'list' ? '' : 'k';
      await expect(operation(), name).rejects.toThrow(new RegExp(`cannot ${name} '${key}' in gs://${BUCKET}/retries/store-\\d+: .*timeout.*no answer within 500 ms`));
      // Two attempts of 500 ms and one wait of at most 1 s (maxRetryDelay), with slack for a loaded machine.
      expect(Date.now() - started, name).toBeLessThan(6_000);
    }
  });

  it('fails with an error naming the location when the emulator has stopped', async () => {
    const server = await startGcsServer({ binary, buckets: [BUCKET] });
    servers.push(server);
    const store = new GcsStore({ bucket: BUCKET, prefix: 'gone', apiEndpoint: server.endpoint, timeout: 1_000, maxRetries: 1, maxRetryDelay: 1 });
    await store.put('k', bytes('v'));
    await server.stop();

    const started = Date.now();
    await expect(store.get('k')).rejects.toThrow(new RegExp(`cannot get 'k' in gs://${BUCKET}/gone: .*ECONNREFUSED`));
    await expect(store.put('k', bytes('v'))).rejects.toThrow(/cannot put 'k' in gs:\/\/gcs-store-test\/gone: .*ECONNREFUSED.*use a local store: --store dist\/store or PLATFORM_STORE/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a missing bucket as an error naming it, never as a missing object or an empty store', async () => {
    const store = new GcsStore({ bucket: 'no-such-bucket', apiEndpoint: emulator!.endpoint });

    await expect(store.get('key')).rejects.toThrow(/cannot get 'key' in gs:\/\/no-such-bucket: the bucket 'no-such-bucket' does not exist/);
    await expect(store.delete('key')).rejects.toThrow(/cannot delete 'key' in gs:\/\/no-such-bucket: the bucket 'no-such-bucket' does not exist/);
    await expect(store.put('key', bytes('x'))).rejects.toThrow(/cannot put 'key' in gs:\/\/no-such-bucket: HTTP 404.*does the bucket 'no-such-bucket' exist/);
    await expect(store.list('')).rejects.toThrow(/cannot list '' in gs:\/\/no-such-bucket: HTTP 404.*does the bucket 'no-such-bucket' exist/);
  });
});

describe('GcsStore on the emulator', () => {
  it('reads an object with the generation its bytes belong to, and none for a missing key', async () => {
    const store = new GcsStore({ bucket: BUCKET, prefix: 'generations-read', apiEndpoint: emulator!.endpoint });
    await store.put('state', bytes('one'));
    const first = (await store.getWithGeneration('state'))!;
    await store.put('state', bytes('two'));
    const second = (await store.getWithGeneration('state'))!;
    expect([text(first.body), text(second.body)]).toEqual(['one', 'two']);
    expect(first.generation).toMatch(/^\d+$/);
    expect(BigInt(second.generation) > BigInt(first.generation)).toBe(true);
    expect(await store.getWithGeneration('missing')).toBeUndefined();
  });

  it('writes only over the generation it names: a write that lost to another is refused and changes nothing', async () => {
    const store = new GcsStore({ bucket: BUCKET, prefix: 'generations-write', apiEndpoint: emulator!.endpoint });
    await store.put('state', bytes('original'));
    const seen = (await store.getWithGeneration('state'))!.generation;
    await store.put('state', bytes('someone else'));

    expect(await store.putIfGeneration('state', bytes('stale restore'), seen)).toEqual({ written: false });
    expect(text(await store.get('state'))).toBe('someone else');

    const current = (await store.getWithGeneration('state'))!.generation;
    expect(await store.putIfGeneration('state', bytes('restore'), current)).toEqual({ written: true });
    expect(text(await store.get('state'))).toBe('restore');
    await expect(store.putIfGeneration('state', bytes('x'), '0')).rejects.toThrow(/invalid GCS object generation '0'/);
  });

  it('writes a 10 MB object (a resumable upload) only once with ifAbsent, keeping the first bytes', async () => {
    const store = new GcsStore({ bucket: BUCKET, prefix: 'large', apiEndpoint: emulator!.endpoint });
    const body = Uint8Array.from({ length: 10 * 1024 * 1024 }, (_, i) => (i * 7919 + 13) % 251);

    expect(await store.put('bundle.tgz', body, { ifAbsent: true })).toEqual({ written: true });
    expect(await store.put('bundle.tgz', new Uint8Array(body.length), { ifAbsent: true })).toEqual({ written: false });

    expect(Buffer.compare(Buffer.from((await store.get('bundle.tgz'))!), Buffer.from(body))).toBe(0);
  });

  it('lists every key across pages, only under its own prefix, without folder placeholders', async () => {
    const store = new GcsStore({ bucket: BUCKET, prefix: 'paged', apiEndpoint: emulator!.endpoint, listPageSize: 2 });
    const neighbour = new GcsStore({ bucket: BUCKET, prefix: 'paged-neighbour', apiEndpoint: emulator!.endpoint });
    for (const key of ['e', 'a', 'd', 'b/1', 'c', 'b/2']) await store.put(key, bytes(key));
    await neighbour.put('x', bytes('x'));
    // A folder placeholder as the console makes one: an object whose name ends in '/'.
    await store.client.bucket(BUCKET).file('paged/b/').save('', { resumable: false });

    expect(await store.list('')).toEqual(['a', 'b/1', 'b/2', 'c', 'd', 'e']);
    expect(await store.list('b/')).toEqual(['b/1', 'b/2']);
  });

  it('opens gs://bucket/prefix on the emulator that STORAGE_EMULATOR_HOST names (host:port)', async () => {
    const env = { STORAGE_EMULATOR_HOST: emulator!.endpoint.replace(/^http:\/\//, '') };
    const store = openStore(`gs://${BUCKET}/from-env`, { env });

    expect(await store.put('k', bytes('v'), { ifAbsent: true })).toEqual({ written: true });
    expect(text(await store.get('k'))).toBe('v');
    expect(await store.list('')).toEqual(['k']);
  });

  it('opens gs://bucket/prefix on the endpoint that PLATFORM_STORE_ENDPOINT names', async () => {
    const store = openStore(`gs://${BUCKET}/from-endpoint`, { env: { PLATFORM_STORE_ENDPOINT: `${emulator!.endpoint}/` } });

    await store.put('k', bytes('v'));
    expect(await store.list('')).toEqual(['k']);
  });
});
