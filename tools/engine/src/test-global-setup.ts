import { findWorkspaceRoot } from '@platform/config';
import { setupForTests } from './setup';

/**
 * Vitest global setup of the integration tests: makes the engine, the test providers and the
 * S3 server available before any test file starts, so no file builds them (or waits on a
 * build) itself. Reuses the cache; on a new machine this is the one build, with progress.
 */
export default async function setup(): Promise<void> {
  const result = await setupForTests(findWorkspaceRoot(import.meta.dirname), (line) => process.stderr.write(`[engine setup] ${line}\n`));
  process.stderr.write(`[engine setup] ready in ${result.seconds.toFixed(1)} s: ${result.engine.binary} ${result.engine.version}\n`);
}
