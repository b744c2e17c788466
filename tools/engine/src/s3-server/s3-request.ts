import { createHash } from 'node:crypto';
import { signRequest } from './sigv4';

/** Where an S3 endpoint is and how to sign for it. */
export interface S3Target {
  /** e.g. `http://127.0.0.1:9000`; path-style addressing is used. */
  readonly endpoint: string;
  readonly accessKey: string;
  readonly secretKey: string;
  /** @default 'us-east-1' */
  readonly region?: string;
}

export interface S3Call {
  readonly method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'DELETE';
  readonly bucket?: string;
  readonly key?: string;
  /** Sub-resources and parameters, e.g. `{ versioning: '' }` or `{ versions: '', prefix: 'a/' }`. */
  readonly query?: Readonly<Record<string, string>>;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  /** @default false - requests are signed with SigV4 */
  readonly anonymous?: boolean;
  /** @default 10_000 */
  readonly timeoutMs?: number;
}

export interface S3Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly body: string;
  /** The `<Code>` of an S3 XML error body, when there is one. */
  readonly errorCode: string | undefined;
}

export function s3Url(endpoint: string, call: Pick<S3Call, 'bucket' | 'key' | 'query'>): URL {
  const url = new URL(endpoint);
  const segments = [call.bucket, call.key].filter((part): part is string => part !== undefined && part !== '');
  url.pathname = `/${segments.map((part) => part.split('/').map(encodeURIComponent).join('/')).join('/')}`;
  for (const [name, value] of Object.entries(call.query ?? {})) url.searchParams.set(name, value);
  return url;
}

export function s3ErrorCode(body: string): string | undefined {
  return /<Error>[\s\S]*?<Code>([^<]+)<\/Code>/.exec(body)?.[1];
}

/**
 * One S3 REST call with a SigV4-signed request (path-style). A tiny stand-in for
 * `@aws-sdk/client-s3`, used to set up the local server and to check it in tests.
 */
export async function s3Request(target: S3Target, call: S3Call): Promise<S3Reply> {
  const url = s3Url(target.endpoint, call);
  const headers: Record<string, string> = { ...call.headers };
  if (call.body !== undefined && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-md5')) {
    headers['content-md5'] = createHash('md5').update(call.body).digest('base64');
  }
  const sent = call.anonymous
    ? headers
    : signRequest({ method: call.method, url, headers, body: call.body }, { ...target, region: target.region ?? 'us-east-1' });
  const response = await fetch(url, {
    method: call.method,
    headers: sent,
    body: call.body,
    signal: AbortSignal.timeout(call.timeoutMs ?? 10_000),
  });
  const body = call.method === 'HEAD' ? '' : await response.text();
  return { status: response.status, headers: response.headers, body, errorCode: s3ErrorCode(body) };
}
