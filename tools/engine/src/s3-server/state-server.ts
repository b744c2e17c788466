import { readPinnedVersions } from '../versions';
import { ensureS3Server } from './install';
import { startS3Server, type RunningS3Server } from './server';

/** A local S3 server that holds engine state, announced to the engine commands through the environment. */
export interface StateServerSession {
  readonly server: RunningS3Server;
  /** Restores the environment variables as they were and stops the server. */
  stop(): Promise<void>;
}

/**
 * Starts the pinned S3 server on 127.0.0.1 with the given buckets and sets what the engine
 * commands read for an `endpoint: runtime` environment: PLATFORM_STATE_ENDPOINT,
 * AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY. Buckets are unversioned by default: versitygw
 * 1.8.0 refuses to re-create a deleted lock object in a versioned bucket, so a versioned state
 * bucket takes the state lock only once.
 */
export async function startStateServer(options: {
  readonly workspaceRoot: string;
  readonly buckets: readonly string[];
  readonly versioned?: boolean;
  readonly log?: (line: string) => void;
  /** Keep the state here, across runs (see {@link startS3Server}). @default - a temporary folder */
  readonly dataDir?: string;
  /** See {@link startS3Server}. @default false */
  readonly ownProcessGroup?: boolean;
}): Promise<StateServerSession> {
  const binary = await ensureS3Server({ versions: readPinnedVersions(options.workspaceRoot), log: options.log ?? (() => {}) });
  const server = await startS3Server({
    binary: binary.binary,
    buckets: [...options.buckets],
    versioned: options.versioned ?? false,
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.ownProcessGroup === undefined ? {} : { ownProcessGroup: options.ownProcessGroup }),
  });
  const saved = Object.fromEntries(['PLATFORM_STATE_ENDPOINT', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'].map((name) => [name, process.env[name]]));
  Object.assign(process.env, { PLATFORM_STATE_ENDPOINT: server.endpoint, AWS_ACCESS_KEY_ID: server.accessKey, AWS_SECRET_ACCESS_KEY: server.secretKey });
  return {
    server,
    async stop() {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await server.stop();
    },
  };
}
