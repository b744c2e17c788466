import { describe, expect, it } from 'vitest';
import { s3ClientFor } from './s3-client';

const connection = { endpoint: 'http://127.0.0.1:9000', accessKey: 'ACCESS', secretKey: 'secret' };

describe('s3ClientFor', () => {
  it('talks path-style to the given endpoint with the static keys, in us-east-1 unless told otherwise', async () => {
    const s3 = s3ClientFor(connection);
    try {
      expect(s3.config.forcePathStyle).toBe(true);
      expect(await s3.config.region()).toBe('us-east-1');
      expect(await s3.config.credentials()).toMatchObject({ accessKeyId: 'ACCESS', secretAccessKey: 'secret' });
      const endpoint = await s3.config.endpoint?.();
      expect(endpoint).toMatchObject({ protocol: 'http:', hostname: '127.0.0.1', port: 9000 });
    } finally {
      s3.destroy();
    }
  });

  it('uses the region of the connection when it has one', async () => {
    const s3 = s3ClientFor({ ...connection, region: 'eu-west-1' });
    try {
      expect(await s3.config.region()).toBe('eu-west-1');
    } finally {
      s3.destroy();
    }
  });

  it('computes and validates flexible checksums only when an operation requires them', async () => {
    const s3 = s3ClientFor(connection);
    try {
      expect(await s3.config.requestChecksumCalculation()).toBe('WHEN_REQUIRED');
      expect(await s3.config.responseChecksumValidation()).toBe('WHEN_REQUIRED');
    } finally {
      s3.destroy();
    }
  });
});
