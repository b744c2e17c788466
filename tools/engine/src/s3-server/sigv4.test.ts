import { describe, expect, it } from 'vitest';
import { signRequest } from './sigv4';

// The worked examples of https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
const credentials = { accessKey: 'AKIAIOSFODNN7EXAMPLE', secretKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const now = new Date('2013-05-24T00:00:00Z');
const scope = 'Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request';

describe('signRequest', () => {
  it.each<{ example: string; url: string; headers: Record<string, string>; signed: string; signature: string }>([
    {
      example: 'GET Object with a Range header',
      url: 'https://examplebucket.s3.amazonaws.com/test.txt',
      headers: { Range: 'bytes=0-9' },
      signed: 'host;range;x-amz-content-sha256;x-amz-date',
      signature: 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41',
    },
    {
      example: 'GET Bucket lifecycle (a sub-resource without a value)',
      url: 'https://examplebucket.s3.amazonaws.com/?lifecycle',
      headers: {},
      signed: 'host;x-amz-content-sha256;x-amz-date',
      signature: 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543',
    },
    {
      example: 'GET Bucket with query parameters out of order',
      url: 'https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J',
      headers: {},
      signed: 'host;x-amz-content-sha256;x-amz-date',
      signature: '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7',
    },
  ])('reproduces the signature of the AWS example: $example', ({ url, headers, signed, signature }) => {
    const sent = signRequest({ method: 'GET', url: new URL(url), headers }, credentials, now);

    expect(sent.authorization).toBe(`AWS4-HMAC-SHA256 ${scope},SignedHeaders=${signed},Signature=${signature}`);
    expect(sent['x-amz-date']).toBe('20130524T000000Z');
  });

  it('signs the hash of the body it will send', () => {
    const sent = signRequest({ method: 'PUT', url: new URL('http://127.0.0.1:9000/b/k'), body: 'Welcome to Amazon S3.' }, credentials, now);

    expect(sent['x-amz-content-sha256']).toBe('44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072');
  });
});
