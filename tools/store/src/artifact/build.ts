import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { environmentFilePath, stackSettingsPath } from '@platform/config';
import { canonicalJson, type ArtifactManifest } from './manifest';
import { ExternalError, UsageError } from '@platform/workspace';

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface Artifact {
  readonly manifest: ArtifactManifest;
  /** Files by path inside the artifact (the manifest not included). */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

function git(workspaceRoot: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd: workspaceRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new ExternalError(`git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** sha256 over each tracked file of the given folders, path by path, as of a commit. */
function treeHash(workspaceRoot: string, commit: string, folders: readonly string[]): string {
  const listing = git(workspaceRoot, ['ls-tree', '-r', commit, '--', ...folders]);
  return sha256Hex(listing.split('\n').filter(Boolean).sort().join('\n'));
}

interface SynthReport {
  environments: Record<string, { sha256: string }>;
  contracts: { published: Record<string, number>; consumed: Record<string, number> };
}

/**
 * Packages a stack's synthesized output (dist/stacks/<stack>, from `nx run <stack>:synth` at
 * the release commit) as an artifact: the JSON of every environment and a manifest. Nothing
 * time- or machine-dependent goes in, so packaging the same commit again gives the same bytes.
 */
/** Path of the provider lock file inside an artifact (the engine's own file name). */
export const LOCK_FILE = '.terraform.lock.hcl';

/** The engine and provider versions an artifact is built for (the caller reads the pins). */
export interface ArtifactToolchain {
  readonly opentofu: string;
  /** Provider source -> version. */
  readonly providers: Readonly<Record<string, string>>;
}

export interface BuildArtifactOptions {
  readonly toolchain: ArtifactToolchain;
  /** The release commit. @default 'HEAD' */
  readonly commit?: string;
  /** The provider lock file (`.terraform.lock.hcl`) every environment's configuration is deployed with. */
  readonly lockFile?: string;
  /**
   * Package even though the stack's sources, the libraries or its configuration differ from the
   * commit; the manifest then says `dirty: true`, and such an artifact never reaches staging or
   * production. @default false: a dirty tree is refused
   */
  readonly allowDirty?: boolean;
}

/** The files an artifact of the stack is made from, as git pathspecs relative to the estate. */
export function artifactSourcePaths(stack: string): string[] {
  return [`stacks/${stack}`, 'libs', ':(glob)environments/*/environment.yaml', `:(glob)environments/*/${stack}.yaml`];
}

/** The artifact's source files that differ from HEAD (modified, staged or untracked), as git prints them. */
export function uncommittedSources(workspaceRoot: string, stack: string): string[] {
  return git(workspaceRoot, ['status', '--porcelain', '--untracked-files=all', '--', ...artifactSourcePaths(stack)])
    .split('\n')
    .filter(Boolean)
    .map((line) => line.slice(3));
}

export function buildArtifact(workspaceRoot: string, stack: string, version: string, options: BuildArtifactOptions): Artifact {
  const commit = options.commit ?? 'HEAD';
  const dir = join(workspaceRoot, 'dist/stacks', stack);
  const reportFile = join(dir, 'synth.json');
  if (!existsSync(reportFile)) throw new UsageError(`dist/stacks/${stack}/synth.json does not exist: run 'npx nx run ${stack}:synth' first`);
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as SynthReport;
  const gitCommit = git(workspaceRoot, ['rev-parse', '--verify', `${commit}^{commit}`]).trim();
  const uncommitted = uncommittedSources(workspaceRoot, stack);
  if (uncommitted.length > 0 && !options.allowDirty) {
    throw new UsageError(
      `refusing to package ${stack}@${version}: its sources differ from commit ${gitCommit.slice(0, 12)} (${uncommitted.slice(0, 5).join(', ')}${uncommitted.length > 5 ? `, ${uncommitted.length - 5} more` : ''}), ` +
        'so the artifact would name a commit that does not hold its bytes. Commit first, or pass --allow-dirty for an artifact that can never reach staging or production.',
    );
  }

  const files = new Map<string, Uint8Array>();
  const environments: ArtifactManifest['environments'] = {};
  for (const [env, result] of Object.entries(report.environments).sort(([a], [b]) => a.localeCompare(b))) {
    const bytes = readFileSync(join(dir, env, 'cdk.tf.json'));
    if (sha256Hex(bytes) !== result.sha256) {
      throw new UsageError(`dist/stacks/${stack}/${env}/cdk.tf.json does not match its synth report: synthesize again`);
    }
    const path = `environments/${env}/cdk.tf.json`;
    files.set(path, bytes);
    const config = [environmentFilePath(env), stackSettingsPath(env, stack)].map((file) => readFileSync(join(workspaceRoot, file)));
    environments[env] = { configHash: sha256Hex(Buffer.concat(config)), file: path };
  }
  if (options.lockFile !== undefined) files.set(LOCK_FILE, Buffer.from(options.lockFile));
  const providers = { ...options.toolchain.providers };
  const manifest: ArtifactManifest = {
    schemaVersion: 1,
    stack,
    version,
    gitCommit,
    ...(uncommitted.length > 0 ? { dirty: true as const } : {}),
    sourceHash: treeHash(workspaceRoot, gitCommit, [`stacks/${stack}`, 'libs']),
    environments,
    engine: { opentofu: options.toolchain.opentofu },
    providers,
    contracts: report.contracts,
    ...(options.lockFile !== undefined ? { lockFile: LOCK_FILE } : {}),
    files: Object.fromEntries([...files].map(([path, bytes]) => [path, { sha256: sha256Hex(bytes), size: bytes.length }])),
  };
  return { manifest, files };
}

export function manifestBytes(manifest: ArtifactManifest): Uint8Array {
  return Buffer.from(canonicalJson(manifest));
}
