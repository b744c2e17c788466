import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { StackSynthReport } from '@platform/synth';
import { ExternalError } from '@platform/workspace';

/** sha256 of every synthesized file, by stack then environment. */
export type OutputHashes = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Reads the synth reports (dist/stacks/<stack>/synth.json) of a workspace. */
export function readOutputHashes(workspaceRoot: string): OutputHashes {
  const dir = join(workspaceRoot, 'dist/stacks');
  const hashes = new Map<string, Record<string, string>>();
  if (!existsSync(dir)) return hashes;
  for (const stack of readdirSync(dir).filter((name) => !name.startsWith('.')).sort()) {
    const file = join(dir, stack, 'synth.json');
    if (!existsSync(file)) continue;
    const report = JSON.parse(readFileSync(file, 'utf8')) as StackSynthReport;
    hashes.set(stack, Object.fromEntries(Object.entries(report.environments).map(([env, r]) => [env, r.sha256])));
  }
  return hashes;
}

function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  if (result.status !== 0) throw new ExternalError(`git ${args.join(' ')} failed: ${result.stderr.trim()}`);
  return result.stdout.trim();
}

/** Synthesized Terraform JSON by stack then environment. */
export type SynthesizedFiles = ReadonlyMap<string, ReadonlyMap<string, string>>;

/** Reads every synthesized file (dist/stacks/<stack>/<env>/cdk.tf.json) of a workspace. */
export function readSynthesizedFiles(workspaceRoot: string): SynthesizedFiles {
  const files = new Map<string, Map<string, string>>();
  for (const [stack, environments] of readOutputHashes(workspaceRoot)) {
    files.set(
      stack,
      new Map(Object.keys(environments).map((env) => [env, readFileSync(join(workspaceRoot, 'dist/stacks', stack, env, 'cdk.tf.json'), 'utf8')])),
    );
  }
  return files;
}

/** Stack names (folders under stacks/ with a package.json) as of a commit. */
export function stacksAt(workspaceRoot: string, commit: string): string[] {
  return git(workspaceRoot, ['ls-tree', '-r', '--name-only', commit, '--', 'stacks'])
    .split('\n')
    .map((path) => /^stacks\/([^/]+)\/package\.json$/.exec(path)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

/** Only the given stacks of a set of hashes. */
export function onlyStacks(hashes: OutputHashes, stacks: readonly string[]): OutputHashes {
  return new Map([...hashes].filter(([stack]) => stacks.includes(stack)));
}

/**
 * Synthesizes the stacks as of a commit (every stack, or those of `stacks` that exist there),
 * in a temporary worktree sharing this checkout's node_modules, and returns the output hashes
 * and files. Nothing in the checkout changes.
 */
export function synthesizeAt(workspaceRoot: string, commit: string, stacks?: readonly string[]): { hashes: OutputHashes; files: SynthesizedFiles } {
  const wanted = stacks ? stacksAt(workspaceRoot, commit).filter((stack) => stacks.includes(stack)) : [];
  if (stacks && wanted.length === 0) return { hashes: new Map(), files: new Map() };
  const sha = git(workspaceRoot, ['rev-parse', '--verify', `${commit}^{commit}`]);
  const repository = git(workspaceRoot, ['rev-parse', '--show-toplevel']);
  const worktree = mkdtempSync(join(tmpdir(), `synth-${sha.slice(0, 8)}-`));
  rmSync(worktree, { recursive: true, force: true });
  git(workspaceRoot, ['worktree', 'add', '--detach', '--quiet', worktree, sha]);
  try {
    symlinkSync(join(repository, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    // The estate may be a folder of the repository (--estate): the same folder of the worktree.
    const estate = join(worktree, relative(repository, workspaceRoot));
    const synth = spawnSync('npx', ['tsx', 'tools/cli/bin/platform.mts', '--estate', estate, 'synth', ...wanted], { cwd: worktree, encoding: 'utf8' });
    // A stack that fails to synthesize at the base has no hash: every environment counts as changed.
    if (synth.status !== 0 && !existsSync(join(estate, 'dist/stacks'))) {
      throw new ExternalError(`synth at ${sha.slice(0, 12)} failed: ${(synth.stderr || synth.stdout).trim().split('\n').slice(-3).join(' / ')}`);
    }
    return { hashes: readOutputHashes(estate), files: readSynthesizedFiles(estate) };
  } finally {
    git(workspaceRoot, ['worktree', 'remove', '--force', worktree]);
  }
}

export interface OutputDifference {
  readonly stack: string;
  readonly kind: 'added' | 'removed' | 'changed';
  /** Environments whose synthesized file differs (all of them for an added or removed stack). */
  readonly environments: readonly string[];
}

/** Stacks whose synthesized output differs between two sets of hashes, per environment. */
export function diffOutputHashes(base: OutputHashes, head: OutputHashes): OutputDifference[] {
  const stacks = [...new Set([...base.keys(), ...head.keys()])].sort();
  const differences: OutputDifference[] = [];
  for (const stack of stacks) {
    const before = base.get(stack);
    const after = head.get(stack);
    if (!before) differences.push({ stack, kind: 'added', environments: Object.keys(after!).sort() });
    else if (!after) differences.push({ stack, kind: 'removed', environments: Object.keys(before).sort() });
    else {
      const environments = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((env) => before[env] !== after[env]).sort();
      if (environments.length > 0) differences.push({ stack, kind: 'changed', environments });
    }
  }
  return differences;
}
