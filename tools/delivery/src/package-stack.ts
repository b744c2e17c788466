import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import semver from 'semver';
import { findWorkspaceRoot } from '@platform/config';
import { ENGINE_LOCK_FILE, EngineRunner, prepareWorkdir, readPinnedVersions, setupEngine } from '@platform/engine';
import { buildArtifact, canonicalJson, manifestBytes, parseManifest, sha256Hex, type Artifact, type ArtifactToolchain } from '@platform/store';
import { requiredProviders } from '@platform/deploy';
import { ExternalError, readStackManifest, synthOutputDir, UsageError } from '@platform/workspace';

/** Where `package` writes a stack version: dist/artifacts/<stack>/<version>/ (manifest.json and the files). */
export function packagedArtifactDir(stack: string, version: string): string {
  return `dist/artifacts/${stack}/${version}`;
}

/**
 * The provider lock file of a synthesized stack: `init -backend=false` from the provider mirror,
 * in a scratch folder. Every environment must need the same providers, so one file serves all.
 */
export async function providerLockFile(workspaceRoot: string, stack: string, log: (line: string) => void): Promise<string> {
  const dir = join(workspaceRoot, synthOutputDir(stack));
  const environments = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
  if (environments.length === 0) throw new UsageError(`${synthOutputDir(stack)} holds no environment: run 'npx nx run ${stack}:synth' first`);
  const configurations = environments.map((env) => readFileSync(join(dir, env, 'cdk.tf.json'), 'utf8'));
  const providers = requiredProviders(configurations[0]!);
  environments.forEach((env, i) => {
    const other = requiredProviders(configurations[i]!);
    if (other.join() !== providers.join()) {
      throw new UsageError(`${stack}: environment '${env}' needs providers ${other.join(', ')} but '${environments[0]}' needs ${providers.join(', ')}; one lock file cannot serve both`);
    }
  });
  const setup = await setupEngine({ workspaceRoot: findWorkspaceRoot(workspaceRoot), log, providers });
  const missing = setup.providers.filter((p) => p.state === 'unavailable');
  if (missing.length > 0) {
    throw new ExternalError(`cannot write the provider lock file of ${stack}: ${missing.map((p) => `${p.source} ${p.version}`).join(', ')} could not be installed (see docs/engine.md)`);
  }
  const scratch = mkdtempSync(join(tmpdir(), 'lock-'));
  try {
    prepareWorkdir(scratch, configurations[0]!);
    await new EngineRunner({ engine: setup.engine, cliConfigFile: setup.cliConfigFile }, scratch).init({ backend: false });
    return readFileSync(join(scratch, ENGINE_LOCK_FILE), 'utf8');
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
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
export async function packageStack(workspaceRoot: string, stack: string, version: string, log: (line: string) => void = () => {}): Promise<Artifact> {
  const lockFile = await providerLockFile(workspaceRoot, stack, log);
  return buildArtifact(workspaceRoot, stack, version, { lockFile, toolchain: pinnedToolchain(workspaceRoot) });
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
