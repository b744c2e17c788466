import { createHash, createHmac } from 'node:crypto';

/**
 * A minimal AWS Signature Version 4 signer (header-based, single chunk), enough for the few
 * calls the local S3 server needs before `@aws-sdk/client-s3` is available: create a bucket,
 * turn on versioning, and the checks in the tests. Not a general S3 client.
 * Reference: https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
 */
export interface SigningCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  /** @default 'us-east-1' */
  readonly region?: string;
  /** @default 's3' */
  readonly service?: string;
}

export interface RequestToSign {
  readonly method: string;
  readonly url: URL;
  /** Extra headers to sign and send (names in any case). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
}

export const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
function uriEncode(value: string, keepSlash: boolean): string {
  return Array.from(new TextEncoder().encode(value), (byte) => {
    const char = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(char) || (keepSlash && char === '/')) return char;
    return `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function canonicalQuery(url: URL): string {
  const pairs = [...url.searchParams].map(([key, value]) => [uriEncode(key, false), uriEncode(value, false)] as const);
  pairs.sort(([ak, av], [bk, bv]) => (ak === bk ? (av < bv ? -1 : av > bv ? 1 : 0) : ak < bk ? -1 : 1));
  return pairs.map(([key, value]) => `${key}=${value}`).join('&');
}

/** `20130524T000000Z` */
export function amzDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/**
 * Headers to send with the request: the given ones plus host, x-amz-date,
 * x-amz-content-sha256 (the real payload hash) and Authorization.
 */
export function signRequest(request: RequestToSign, credentials: SigningCredentials, now: Date = new Date()): Record<string, string> {
  const region = credentials.region ?? 'us-east-1';
  const service = credentials.service ?? 's3';
  const timestamp = amzDate(now);
  const day = timestamp.slice(0, 8);
  const payloadHash = request.body === undefined ? EMPTY_SHA256 : sha256Hex(request.body);

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value.trim().replace(/\s+/g, ' ');
  headers.host = request.url.host;
  headers['x-amz-date'] = timestamp;
  headers['x-amz-content-sha256'] ??= payloadHash;

  const names = Object.keys(headers).sort();
  const signedHeaders = names.join(';');
  const canonicalRequest = [
    request.method.toUpperCase(),
    // The URL parser has already percent-encoded the path; decode and re-encode it the SigV4 way.
    uriEncode(decodeURIComponent(request.url.pathname || '/'), true),
    canonicalQuery(request.url),
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    signedHeaders,
    headers['x-amz-content-sha256'],
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', timestamp, scope, sha256Hex(canonicalRequest)].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${credentials.secretKey}`, day), region), service), 'aws4_request');
  const signature = createHmac('sha256', signingKey).update(stringToSign).digest('hex');

  const { host: _host, ...sent } = headers;
  return {
    ...sent,
    authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKey}/${scope},SignedHeaders=${signedHeaders},Signature=${signature}`,
  };
}
