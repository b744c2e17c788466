import { ensureS3Server, readPinnedVersions, startS3Server } from '@platform/engine';

/**
 * Runs `action` with a local S3 server holding the fixture estate's state bucket, its
 * endpoint and credentials set in the environment the engine commands read; stops it after.
 */
export async function withFixtureStateServer<T>(workspaceRoot: string, action: () => Promise<T>): Promise<T> {
  const s3 = await ensureS3Server({ versions: readPinnedVersions(workspaceRoot), log: () => {} });
  // Unversioned: versitygw 1.8.0 cannot re-create a deleted lock object in a versioned bucket.
  const server = await startS3Server({ binary: s3.binary, buckets: ['fixture-state'], versioned: false });
  const saved = { ...process.env };
  Object.assign(process.env, { PLATFORM_STATE_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey });
  try {
    return await action();
  } finally {
    process.env = saved;
    await server.stop();
  }
}
