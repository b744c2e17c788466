import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { findWorkspaceRoot } from '@platform/config';
import { ensureS3Server, readPinnedVersions, s3ClientFor, startS3Server, type RunningS3Server } from '@platform/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy } from './__fixtures__/fault-proxy';
import { S3_MAX_ATTEMPTS, s3ClientFromEnvironment, S3Store, s3StoreFromEnvironment } from './s3-store';

const workspaceRoot = findWorkspaceRoot(import.meta.dirname);
const BUCKET = 'store-test';
const bytes = (text: string) => new TextEncoder().encode(text);

/** A client whose every send answers from a script, for refusals the real server cannot be made to give on demand. */
function scriptedClient(...answers: ReadonlyArray<() => unknown>): { client: S3Client; calls: unknown[] } {
  const calls: unknown[] = [];
  const client = {
    send: async (command: { input: unknown }) => {
      calls.push(command.input);
      return answers[calls.length - 1]!();
    },
  } as unknown as S3Client;
  return { client, calls };
}
const refusal = (name: string, httpStatusCode: number) => () => {
  throw Object.assign(new Error(name), { name, $metadata: { httpStatusCode } });
};

describe('S3Store against the local S3 server', () => {
  let server: RunningS3Server;
  let s3: S3Client;

  beforeAll(async () => {
    const { binary } = await ensureS3Server({ versions: readPinnedVersions(workspaceRoot), log: (line) => console.log(line) });
    server = await startS3Server({ binary, buckets: [BUCKET] });
    s3 = s3ClientFor(server);
  }, 900_000);

  afterAll(async () => {
    s3?.destroy();
    await server?.stop();
  });

  it('keeps objects under its prefix and lists them without it', async () => {
    const store = new S3Store({ client: s3, bucket: BUCKET, prefix: '/team/artifacts/' });
    await store.put('v1/app.tgz', bytes('app'));

    expect(store.location).toBe(`s3://${BUCKET}/team/artifacts`);
    const raw = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'team/artifacts/v1/app.tgz' }));
    expect(await raw.Body!.transformToString()).toBe('app');
    expect(await store.list('')).toEqual(['v1/app.tgz']);
  });

  it('does not see keys of a sibling prefix that shares its first letters', async () => {
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sibling-other/x', Body: 'x' }));
    const store = new S3Store({ client: s3, bucket: BUCKET, prefix: 'sibling' });
    await store.put('mine', bytes('m'));

    expect(await store.list('')).toEqual(['mine']);
  });

  it('skips folder markers, which are no valid keys', async () => {
    const store = new S3Store({ client: s3, bucket: BUCKET, prefix: 'markers' });
    // What a console's "create folder" leaves. (A server on a filesystem, like the local one, keeps
    // no keys such as 'a//b' to test the other cases with.)
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'markers/folder/', Body: new Uint8Array() }));
    await store.put('folder/real', bytes('r'));

    expect(await store.list('')).toEqual(['folder/real']);
  });

  it('follows continuation tokens across pages', async () => {
    const paged = s3ClientFor(server);
    const listCalls: unknown[] = [];
    // Two keys a page, so five keys take three ListObjectsV2 calls.
    paged.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { MaxKeys?: number };
        if (args.input && 'Prefix' in (args.input as object)) {
          input.MaxKeys = 2;
          listCalls.push(input);
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const store = new S3Store({ client: paged, bucket: BUCKET, prefix: 'paged' });
      for (const key of ['e', 'c', 'a', 'd', 'b']) await store.put(key, bytes(key));

      expect(await store.list('')).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(listCalls).toHaveLength(3);
    } finally {
      paged.destroy();
    }
  });

  it('keeps keys at the top level of the bucket when it has no prefix', async () => {
    const store = new S3Store({ client: s3, bucket: BUCKET });
    await store.put('top-level-key', bytes('t'));

    expect(store.location).toBe(`s3://${BUCKET}`);
    expect(await store.list('top-level-')).toEqual(['top-level-key']);
    const raw = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'top-level-' }));
    expect(raw.Contents?.map((object) => object.Key)).toEqual(['top-level-key']);
  });

  it('reports a missing bucket as an error naming it, not as a missing object', async () => {
    const store = new S3Store({ client: s3, bucket: 'no-such-bucket' });

    await expect(store.get('key')).rejects.toThrow(/cannot get 'key' in s3:\/\/no-such-bucket: NoSuchBucket/);
    await expect(store.put('key', bytes('x'))).rejects.toThrow(/cannot put 'key' in s3:\/\/no-such-bucket/);
    await expect(store.list('')).rejects.toThrow(/cannot list '' in s3:\/\/no-such-bucket/);
  });
  it('gives up on a server that stops answering, within the timeout and its retries, naming the call', async () => {
    const proxy = await startFaultProxy(server.endpoint);
    const store = new S3Store({
      client: s3ClientFromEnvironment({ PLATFORM_STORE_ENDPOINT: proxy.endpoint, AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey, PLATFORM_STORE_TIMEOUT_SECONDS: '1' }),
      bucket: BUCKET,
      prefix: 'frozen',
    });
    try {
      await store.put('k', bytes('v'));
      // From here on the connection is accepted and nothing ever answers, one hang more than the attempts.
      proxy.faults = Array.from({ length: S3_MAX_ATTEMPTS + 1 }, () => 'hang' as const);
      proxy.requests.length = 0;
      const started = Date.now();
      await expect(store.get('k')).rejects.toThrow(/cannot get 'k' in s3:\/\/store-test\/frozen: /);
      expect(Date.now() - started, 'three attempts of 1 s and their backoff').toBeLessThan(15_000);
      expect(proxy.requests).toEqual(Array.from({ length: S3_MAX_ATTEMPTS }, () => `GET /${BUCKET}/frozen/k?x-id=GetObject`));
    } finally {
      store.destroy();
      await proxy.close();
    }
  }, 60_000);
});

describe('S3Store refusals', () => {
  it('sends If-None-Match: * only for ifAbsent writes', async () => {
    const { client, calls } = scriptedClient(
      () => ({}),
      () => ({}),
    );
    const store = new S3Store({ client, bucket: 'b', prefix: 'p' });

    await store.put('k', bytes('x'));
    await store.put('k', bytes('x'), { ifAbsent: true });

    expect(calls[0]).not.toHaveProperty('IfNoneMatch');
    expect(calls[1]).toMatchObject({ Bucket: 'b', Key: 'p/k', IfNoneMatch: '*' });
  });

  it('reports 412 PreconditionFailed as not written', async () => {
    const store = new S3Store({ client: scriptedClient(refusal('PreconditionFailed', 412)).client, bucket: 'b' });

    expect(await store.put('k', bytes('x'), { ifAbsent: true })).toEqual({ written: false });
  });

  it('retries a 409 ConditionalRequestConflict and reports what the retry learns', async () => {
    const lost = scriptedClient(refusal('ConditionalRequestConflict', 409), refusal('PreconditionFailed', 412));
    const won = scriptedClient(refusal('ConditionalRequestConflict', 409), () => ({}));

    expect(await new S3Store({ client: lost.client, bucket: 'b' }).put('k', bytes('x'), { ifAbsent: true })).toEqual({ written: false });
    expect(lost.calls).toHaveLength(2);
    expect(await new S3Store({ client: won.client, bucket: 'b' }).put('k', bytes('x'), { ifAbsent: true })).toEqual({ written: true });
  });

  it('reports a write that stays in conflict after the retries as not written', async () => {
    const { client, calls } = scriptedClient(...Array.from({ length: 5 }, () => refusal('ConditionalRequestConflict', 409)));

    expect(await new S3Store({ client, bucket: 'b' }).put('k', bytes('x'), { ifAbsent: true })).toEqual({ written: false });
    expect(calls).toHaveLength(5);
  });

  it('throws a 412 on a plain put rather than hiding it', async () => {
    const store = new S3Store({ client: scriptedClient(refusal('PreconditionFailed', 412)).client, bucket: 'b' });

    await expect(store.put('k', bytes('x'))).rejects.toThrow(/cannot put 'k' in s3:\/\/b: PreconditionFailed \(HTTP 412\)/);
  });

  it('deletes the key under its prefix and names the key when the server refuses', async () => {
    const { client, calls } = scriptedClient(() => ({}), refusal('AccessDenied', 403));
    const store = new S3Store({ client, bucket: 'b', prefix: 'p' });

    await store.delete('state/terraform.tfstate');
    await expect(store.delete('other')).rejects.toThrow(/cannot delete 'other' in s3:\/\/b\/p: AccessDenied \(HTTP 403\)/);

    expect(calls[0]).toEqual({ Bucket: 'b', Key: 'p/state/terraform.tfstate' });
  });

  it.each([
    [{ bucket: '' }, /invalid S3 bucket name ''/],
    [{ bucket: 'a/b' }, /invalid S3 bucket name 'a\/b'/],
    [{ bucket: 'b', prefix: 'a/../b' }, /invalid S3 store prefix 'a\/..\/b'/],
  ])('refuses the options %j', (options, message) => {
    expect(() => new S3Store({ client: scriptedClient().client, ...options })).toThrow(message);
  });
});

describe('s3StoreFromEnvironment', () => {
  it('names the missing bucket variable', () => {
    expect(() => s3StoreFromEnvironment({})).toThrow(/PLATFORM_STORE_BUCKET is not set/);
    expect(() => s3StoreFromEnvironment({ PLATFORM_STORE_BUCKET: '  ' })).toThrow(/PLATFORM_STORE_BUCKET is not set/);
  });

  it('reads bucket, prefix, endpoint and region', async () => {
    const store = s3StoreFromEnvironment({
      PLATFORM_STORE_BUCKET: 'artifacts',
      PLATFORM_STORE_PREFIX: 'platform/prod',
      PLATFORM_STORE_ENDPOINT: 'https://storage.googleapis.com',
      AWS_REGION: 'europe-west1',
    });
    try {
      expect(store.location).toBe('s3://artifacts/platform/prod');
      expect(await store.client.config.region()).toBe('europe-west1');
      expect(store.client.config.forcePathStyle).toBe(true);
      expect(await store.client.config.endpoint?.()).toMatchObject({ hostname: 'storage.googleapis.com', protocol: 'https:' });
    } finally {
      store.destroy();
    }
  });

  it('defaults to AWS S3 in us-east-1 with virtual-hosted addressing', async () => {
    const store = s3StoreFromEnvironment({ PLATFORM_STORE_BUCKET: 'artifacts' });
    try {
      expect(store.location).toBe('s3://artifacts');
      expect(await store.client.config.region()).toBe('us-east-1');
      expect(store.client.config.forcePathStyle).toBeFalsy();
      expect(store.client.config.endpoint).toBeUndefined();
    } finally {
      store.destroy();
    }
  });

  it('refuses an endpoint that is not an http(s) URL, naming the variable', () => {
    expect(() => s3StoreFromEnvironment({ PLATFORM_STORE_BUCKET: 'b', PLATFORM_STORE_ENDPOINT: 'localhost:9000' })).toThrow(
      /PLATFORM_STORE_ENDPOINT='localhost:9000' is not an http\(s\) URL/,
    );
  });
});
