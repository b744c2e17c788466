import type { Artifact } from '@platform/store';
import { UsageError } from '@platform/workspace';

/** A released stack version as one environment deploys it. */
export interface ReleasedStack {
  readonly stack: string;
  readonly version: string;
  /** The artifact's bytes for the environment, verified against its manifest. */
  readonly configuration: string;
  /** The provider lock file the artifact was packaged with, when it carries one. */
  readonly lockFile?: string;
}

/** An artifact's bytes (and lock file) for one environment. */
export function releasedStackOf(artifact: Artifact, environment: string): ReleasedStack {
  const { stack, version } = artifact.manifest;
  const file = artifact.manifest.environments[environment]?.file;
  if (!file) {
    throw new UsageError(
      `${stack}@${version} holds no configuration for environment '${environment}' (it has: ${Object.keys(artifact.manifest.environments).join(', ')}); ` +
        'artifacts carry every environment that existed when they were built: publish a version built after that environment was added',
    );
  }
  const text = (path: string) => Buffer.from(artifact.files.get(path)!).toString('utf8');
  return { stack, version, configuration: text(file), ...(artifact.manifest.lockFile ? { lockFile: text(artifact.manifest.lockFile) } : {}) };
}
