import type { Command } from 'commander';
import { openArtifactStore, STORE_OPTION_HELP, stackArgument } from './options';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('Upload a packaged stack version to the artifact store (S3 or the local directory store); a published version never changes.')
    .addArgument(stackArgument('stack name (package it first)'))
    .option('--version <version>', "release version (default: the stack's package.json version)")
    .option('--store <spec>', STORE_OPTION_HELP)
    .action(async (stack: string, options: { version?: string; store?: string }) => {
      const { publishArtifact } = await import('@platform/store');
      const { readPackagedArtifact, releasedVersion } = await import('@platform/delivery');
      const { findWorkspaceRoot } = await import('@platform/workspace');
      const workspaceRoot = findWorkspaceRoot();
      const version = options.version ?? releasedVersion(workspaceRoot, stack);
      const store = await openArtifactStore(workspaceRoot, options.store);
      const result = await publishArtifact(store, readPackagedArtifact(workspaceRoot, stack, version));
      console.log(`${stack}@${version}: ${result.status} in ${store.location} (manifest sha256 ${result.manifestSha256})`);
    });
}
