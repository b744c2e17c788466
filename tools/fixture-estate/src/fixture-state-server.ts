import { startStateServer } from '@platform/engine';

/**
 * Runs `action` with a local S3 server holding the fixture estate's state bucket, its
 * endpoint and credentials set in the environment the engine commands read; stops it after.
 */
export async function withFixtureStateServer<T>(workspaceRoot: string, action: () => Promise<T>): Promise<T> {
  const session = await startStateServer({ workspaceRoot, buckets: ['fixture-state'] });
  try {
    return await action();
  } finally {
    await session.stop();
  }
}
