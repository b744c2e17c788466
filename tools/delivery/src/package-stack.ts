import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { findWorkspaceRoot } from '@platform/config';
import { readPinnedVersions } from '@platform/engine';
import { buildArtifact, canonicalJson, manifestBytes, parseManifest, sha256Hex, type Artifact, type ArtifactToolchain } from '@platform/store';
import { committedLockFilePath, readCommittedLockFile, stackProviders } from '@platform/deploy';
import { readStackManifest, UsageError } from '@platform/workspace';

/** Where `package` writes a stack version: dist/artifacts/<stack>/<version>/ (manifest.json and the files). */
export function packagedArtifactDir(stack: string, version: string): string {
  return `dist/artifacts/${stack}/${version}`;
}

/** The version in the stack's package.json (what `nx release` wrote). */
export function releasedVersion(workspaceRoot: string, stack: string): string {
  const manifest = readStackManifest(workspaceRoot, stack);
  const { version } = JSON.parse(readFileSync(join(workspaceRoot, manifest.root, 'package.json'), 'utf8')) as { version?: unknown };
  if (typeof version !== 'string' || !semver.valid(version)) {
    throw new UsageError(`${manifest.root}/package.json: key 'version' must be a semantic version (nx release writes it), got ${JSON.stringify(version)}`);
  }
  return version;
}

/** The artifact of a stack version: every environment's synthesized JSON, the provider lock file and the manifest. */
export async function packageStack(
  workspaceRoot: string,
  stack: string,
  version: string,
  log: (line: string) => void = () => {},
  options: { readonly allowDirty?: boolean } = {},
): Promise<Artifact> {
  const lockFile = readCommittedLockFile(workspaceRoot, stack, stackProviders(workspaceRoot, stack).providers);
  log(`${stack} ${version}: providers locked by ${committedLockFilePath(workspaceRoot, stack)}`);
  const artifact = buildArtifact(workspaceRoot, stack, version, { lockFile, toolchain: pinnedToolchain(workspaceRoot), allowDirty: options.allowDirty === true });
  if (artifact.manifest.dirty) log(`${stack} ${version}: DIRTY: packaged from uncommitted sources (--allow-dirty); this artifact can never reach staging or production`);
  return artifact;
}

/** The pinned engine and provider versions; an estate may be a fixture inside the repository, whose pins are the repository's. */
export function pinnedToolchain(workspaceRoot: string): ArtifactToolchain {
  const versions = readPinnedVersions(findWorkspaceRoot(workspaceRoot));
  return {
    opentofu: versions.opentofu.version,
    providers: Object.fromEntries(Object.entries(versions.providers).map(([source, pinned]) => [source, pinned.version])),
  };
}

/** Writes an artifact as a folder, whole or not at all (built aside, then renamed into place). */
export function writePackagedArtifact(workspaceRoot: string, artifact: Artifact): string {
  const target = join(workspaceRoot, packagedArtifactDir(artifact.manifest.stack, artifact.manifest.version));
  const partial = `${target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  for (const [path, bytes] of artifact.files) {
    mkdirSync(dirname(join(partial, path)), { recursive: true });
    writeFileSync(join(partial, path), bytes);
  }
  writeFileSync(join(partial, 'manifest.json'), manifestBytes(artifact.manifest));
  rmSync(target, { recursive: true, force: true });
  mkdirSync(dirname(target), { recursive: true });
  renameSync(partial, target);
  return target;
}

/** Reads a packaged folder back, verifying every file against its manifest. */
export function readPackagedArtifact(workspaceRoot: string, stack: string, version: string): Artifact {
  const dir = packagedArtifactDir(stack, version);
  const manifestPath = join(workspaceRoot, dir, 'manifest.json');
  if (!existsSync(manifestPath)) throw new UsageError(`${dir}/manifest.json does not exist: run 'npx nx run ${stack}:package' first`);
  const text = readFileSync(manifestPath, 'utf8');
  const manifest = parseManifest(text, `${dir}/manifest.json`);
  if (canonicalJson(manifest) !== text) throw new UsageError(`${dir}/manifest.json is not in canonical form: package the stack again`);
  const files = new Map<string, Uint8Array>();
  for (const [path, expected] of Object.entries(manifest.files)) {
    const bytes = readFileSync(join(workspaceRoot, dir, path));
    if (sha256Hex(bytes) !== expected.sha256) throw new UsageError(`${dir}/${path} does not match its manifest (sha256): package the stack again`);
    files.set(path, bytes);
  }
  return { manifest, files };
}
