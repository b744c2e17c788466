import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findWorkspaceRoot } from '@platform/config';
import {
  checkLockFile,
  ENGINE_LOCK_FILE,
  EngineRunner,
  parseLockFile,
  prepareWorkdir,
  providerInMirror,
  providerMirrorDir,
  readPinnedVersions,
  setupEngine,
  targetPlatform,
  type ProviderSourceRequest,
} from '@platform/engine';
import { ExternalError, readStackManifest, synthOutputDir, UsageError } from '@platform/workspace';

/** Providers a synthesized stack requires, as `namespace/type` sources. */
export function requiredProviders(synthesizedJson: string): string[] {
  const parsed = JSON.parse(synthesizedJson) as { terraform?: { required_providers?: Record<string, { source?: string }> } };
  return Object.entries(parsed.terraform?.required_providers ?? {})
    .map(([name, spec]) => {
      const source = spec.source ?? name;
      return source.includes('/') ? source : `hashicorp/${source}`;
    })
    .sort();
}

/** The platforms a lock file holds hashes for when a registry can be reached (linux CI runners, Intel and Apple Macs). */
export const LOCK_PLATFORMS = ['linux_amd64', 'darwin_amd64', 'darwin_arm64'] as const;

/** The committed lock file of a stack, relative to the workspace root: next to its source, as OpenTofu's convention has it. */
export function committedLockFilePath(workspaceRoot: string, stack: string): string {
  return `${readStackManifest(workspaceRoot, stack).root}/${ENGINE_LOCK_FILE}`;
}

const lockFix = (stack: string) => `run 'npm run lock-providers -- ${stack}' and commit the file`;

/** The providers every environment of a synthesized stack needs; one lock file serves them all, so they must agree. */
export function stackProviders(workspaceRoot: string, stack: string): { providers: string[]; configuration: string } {
  const dir = join(workspaceRoot, synthOutputDir(stack));
  const environments = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort() : [];
  if (environments.length === 0) throw new UsageError(`${synthOutputDir(stack)} holds no environment: run 'npx nx run ${stack}:synth' first`);
  const configurations = environments.map((env) => readFileSync(join(dir, env, 'cdk.tf.json'), 'utf8'));
  const providers = requiredProviders(configurations[0]!);
  environments.forEach((env, i) => {
    const other = requiredProviders(configurations[i]!);
    if (other.join() !== providers.join()) {
      throw new UsageError(`${stack}: environment '${env}' needs providers ${other.join(', ')} but '${environments[0]}' needs ${providers.join(', ')}; one lock file cannot serve both`);
    }
  });
  return { providers, configuration: configurations[0]! };
}

/**
 * The committed lock file of a stack, checked against the providers the configuration needs
 * and the pinned versions: every init runs with it read-only, so a provider whose bytes match
 * none of its hashes is refused.
 */
export function readCommittedLockFile(workspaceRoot: string, stack: string, needed: readonly string[]): string {
  const relative = committedLockFilePath(workspaceRoot, stack);
  const path = join(workspaceRoot, relative);
  if (!existsSync(path)) throw new UsageError(`${relative} does not exist: ${lockFix(stack)}`);
  const text = readFileSync(path, 'utf8');
  checkLockFile(parseLockFile(text, relative), needed, readPinnedVersions(findWorkspaceRoot(workspaceRoot)), relative, lockFix(stack));
  return text;
}

export interface LockStackProvidersOptions {
  readonly workspaceRoot: string;
  readonly stack: string;
  readonly log: (line: string) => void;
  /** Where the hashes come from; auto probes the registry. */
  readonly providerSource?: ProviderSourceRequest;
}

export interface LockStackProvidersResult {
  readonly stack: string;
  readonly file: string;
  readonly source: 'registry' | 'mirror';
  readonly platforms: readonly string[];
  readonly changed: boolean;
}

/**
 * Writes a stack's committed lock file with `tofu providers lock`, keeping the hashes it holds:
 * from the registry (or network mirror) for every platform in {@link LOCK_PLATFORMS}, else from
 * the source-built mirror for this machine's platform. The file is replaced whole or not at all.
 */
export async function lockStackProviders(options: LockStackProvidersOptions): Promise<LockStackProvidersResult> {
  const { workspaceRoot, stack, log } = options;
  const { providers, configuration } = stackProviders(workspaceRoot, stack);
  const setup = await setupEngine({
    workspaceRoot: findWorkspaceRoot(workspaceRoot),
    log,
    providers,
    ...(options.providerSource ? { providerSource: options.providerSource } : {}),
  });
  const missing = setup.providers.filter((p) => p.state === 'unavailable');
  if (missing.length > 0) {
    throw new ExternalError(`cannot lock the providers of ${stack}: ${missing.map((p) => `${p.source} ${p.version}`).join(', ')} could not be installed (see docs/engine.md)`);
  }
  const relative = committedLockFilePath(workspaceRoot, stack);
  const target = join(workspaceRoot, relative);
  const scratch = mkdtempSync(join(tmpdir(), 'lock-'));
  try {
    prepareWorkdir(scratch, configuration);
    if (existsSync(target)) copyFileSync(target, join(scratch, ENGINE_LOCK_FILE));
    const before = existsSync(target) ? readFileSync(target, 'utf8') : '';
    const fromRegistry = setup.providerSource.source === 'registry';
    const platforms: string[] = fromRegistry ? [...LOCK_PLATFORMS] : [targetPlatform()];
    const runner = new EngineRunner({ engine: setup.engine, cliConfigFile: setup.cliConfigFile }, scratch);
    if (fromRegistry) {
      await runner.providersLock({ platforms, ...(setup.providerSource.networkMirror ? { netMirror: setup.providerSource.networkMirror } : {}) });
    }
    // Hashes of the source-built mirror too where it holds every provider: machines without a
    // registry install from it, and the pinned Go toolchain makes its bytes the same everywhere.
    const versions = readPinnedVersions(findWorkspaceRoot(workspaceRoot));
    const mirrored = providers.every((source) => providerInMirror(versions, source));
    if (!fromRegistry || mirrored) await runner.providersLock({ platforms: [targetPlatform()], fsMirror: providerMirrorDir() });
    const after = readFileSync(join(scratch, ENGINE_LOCK_FILE), 'utf8');
    checkLockFile(parseLockFile(after, relative), providers, versions, relative, 'this is a bug in lock-providers');
    if (after !== before) {
      const partial = `${target}.partial-${process.pid}`;
      writeFileSync(partial, after);
      renameSync(partial, target);
    }
    const origin = fromRegistry ? `the registry for ${platforms.join(', ')}${mirrored ? ` and the source-built mirror for ${targetPlatform()}` : ''}` : `the source-built mirror for ${targetPlatform()}`;
    log(`${relative}: ${after === before ? 'unchanged' : 'written'} (${providers.join(', ')}; hashes from ${origin})`);
    return { stack, file: relative, source: setup.providerSource.source, platforms, changed: after !== before };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
