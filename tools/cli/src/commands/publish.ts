import type { Command } from 'commander';
import { openArtifactStore, STORE_OPTION_HELP, stackArgument } from './options';

export function registerPublish(program: Command): void {
  program
    .command('publish')
    .description('Upload a packaged stack version to the artifact store and sign its manifest (PLATFORM_SIGNING_KEY); a published version never changes.')
    .addArgument(stackArgument('stack name (package it first)'))
    .option('--version <version>', "release version (default: the stack's package.json version)")
    .option('--store <spec>', STORE_OPTION_HELP)
    .action(async (stack: string, options: { version?: string; store?: string }) => {
      const { loadTrustedKeys, publishSignedArtifact, readPackagedArtifact, releasedVersion, requireSigner } = await import('@platform/delivery');
      const { findEstateRoot } = await import('@platform/workspace');
      const workspaceRoot = findEstateRoot();
      const version = options.version ?? releasedVersion(workspaceRoot, stack);
      const artifact = readPackagedArtifact(workspaceRoot, stack, version);
      const signer = requireSigner(loadTrustedKeys(workspaceRoot), process.env, `the manifest of ${stack}@${version}`);
      const store = await openArtifactStore(workspaceRoot, options.store);
      const result = await publishSignedArtifact(store, artifact, signer);
      console.log(`${stack}@${version}: ${result.status} in ${store.location} (manifest sha256 ${result.manifestSha256}, signed by ${result.keyId})`);
    });
}
