import type { Command } from 'commander';
import { stackArgument } from './options';

export function registerPackage(program: Command): void {
  program
    .command('package')
    .description("Package a synthesized stack version as an immutable artifact in dist/artifacts/<stack>/<version>: every environment's JSON, the provider lock file and a manifest.")
    .addArgument(stackArgument('stack name (synthesize it first)'))
    .option('--version <version>', "release version (default: the stack's package.json version, which nx release writes)")
    .option('--allow-dirty', 'package although the sources differ from HEAD; the manifest says so, and the artifact never reaches staging or production')
    .action(async (stack: string, options: { version?: string; allowDirty?: boolean }) => {
      const { packageStack, releasedVersion, writePackagedArtifact } = await import('@platform/delivery');
      const { findEstateRoot } = await import('@platform/workspace');
      const workspaceRoot = findEstateRoot();
      const version = options.version ?? releasedVersion(workspaceRoot, stack);
      const artifact = await packageStack(workspaceRoot, stack, version, (line) => console.error(line), { allowDirty: options.allowDirty === true });
      const dir = writePackagedArtifact(workspaceRoot, artifact);
      console.log(`${stack}@${version}: packaged in ${dir} (${artifact.files.size} files, commit ${artifact.manifest.gitCommit.slice(0, 12)})`);
    });
}
