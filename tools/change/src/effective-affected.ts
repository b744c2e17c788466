import { spawnSync } from 'node:child_process';
import { nxChildEnvironment } from '@platform/config';
import { ExternalError, listStacks, type BackgroundRun } from '@platform/workspace';
import { nxAffectedArgs, startNxAffected } from './nx-affected';
import { diffOutputHashes, onlyStacks, readOutputHashes, stacksAt, type BaseSynth, type OutputDifference, type OutputHashes } from './output-hashes';

/** Files whose change alters what the engine does with unchanged output: every stack is affected. */
export const ENGINE_FILES = ['tools/engine/versions.json'];

export interface AffectedStack {
  readonly stack: string;
  readonly reason: 'added' | 'removed' | 'output changed' | 'engine or providers changed';
  /** Environments whose synthesized output differs (all of the stack's for the engine reason). */
  readonly environments: readonly string[];
}

export interface AffectedReport {
  readonly base: string;
  readonly head: string;
  readonly changedFiles: readonly string[];
  /** Stacks `nx affected` lists (project-level, from files and the project graph). */
  readonly plain: readonly string[];
  /** Stacks whose synthesized output or engine really changes: the ones to plan and apply. */
  readonly effective: readonly AffectedStack[];
}

function run(cwd: string, command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: nxChildEnvironment() });
  if (result.status !== 0) throw new ExternalError(`${command} ${args.join(' ')} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout.trim();
}

export function changedFiles(workspaceRoot: string, base: string, head: string): string[] {
  return run(workspaceRoot, 'git', ['diff', '--name-only', `${base}...${head}`]).split('\n').filter(Boolean).sort();
}

/**
 * Stacks among the projects `nx show projects --affected` lists. An estate kept apart from the
 * Nx workspace (`--estate`, e.g. the fixture estate) has no projects in its graph: every one of
 * its stacks is a candidate, and the synthesized output tells which changed.
 */
export async function plainAffectedStacks(
  workspaceRoot: string,
  base: string,
  head: string,
  // In a child process this one does not wait on: it can load the synth code meanwhile.
  started: Promise<BackgroundRun> | undefined = startNxAffected(workspaceRoot, base, head),
): Promise<string[]> {
  if (!started) return listStacks(workspaceRoot).sort();
  const { code, stdout, stderr } = await started;
  if (code !== 0) throw new ExternalError(`nx ${nxAffectedArgs(base, head).join(' ')} failed: ${(stderr || stdout).trim()}`);
  const stacks = new Set(listStacks(workspaceRoot));
  return stdout.trim().split('\n').filter((name) => stacks.has(name)).sort();
}

/** Narrows to the stacks whose output differs, plus every stack when the engine or providers changed. */
export function narrowAffected(differences: readonly OutputDifference[], changed: readonly string[], head: OutputHashes): AffectedStack[] {
  const engineChanged = changed.some((file) => ENGINE_FILES.includes(file));
  const byStack = new Map<string, AffectedStack>();
  for (const d of differences) {
    byStack.set(d.stack, { stack: d.stack, reason: d.kind === 'changed' ? 'output changed' : d.kind, environments: d.environments });
  }
  if (engineChanged) {
    for (const [stack, environments] of head) {
      if (!byStack.has(stack)) byStack.set(stack, { stack, reason: 'engine or providers changed', environments: Object.keys(environments).sort() });
    }
  }
  return [...byStack.values()].sort((a, b) => a.stack.localeCompare(b.stack));
}

/** What a change between two commits can reach, before anything is synthesized. */
export interface ChangeScope {
  readonly base: string;
  readonly head: string;
  readonly changedFiles: readonly string[];
  /** Stacks `nx affected` lists. */
  readonly plain: readonly string[];
  /** The only stacks whose synthesized output can differ (see `candidateStacks`). */
  readonly candidates: readonly string[];
  /** Those of the candidates the head has: the ones to synthesize there. */
  readonly candidatesAtHead: readonly string[];
}

/**
 * The files and stacks a change reaches, from git and the project graph: one `nx affected` call,
 * in a child process this one does not wait on.
 */
export async function scopeChange(
  workspaceRoot: string,
  base: string,
  head = 'HEAD',
  // Started by the caller before it loaded this library (undefined: an estate outside Nx, none to start).
  nxAffected: Promise<BackgroundRun> | undefined = startNxAffected(workspaceRoot, base, head),
): Promise<ChangeScope> {
  const plain = await plainAffectedStacks(workspaceRoot, base, head, nxAffected);
  const candidates = candidateStacks(workspaceRoot, base, plain);
  const present = new Set(listStacks(workspaceRoot));
  return { base, head, changedFiles: changedFiles(workspaceRoot, base, head), plain, candidates, candidatesAtHead: candidates.filter((stack) => present.has(stack)) };
}

/**
 * Affected stacks between two commits, both as `nx affected` sees them and narrowed to the
 * stacks whose synthesized output (or engine) really changes. The head must be checked out
 * and its candidates synthesized (dist/stacks) already; the base's candidates are synthesized
 * in a temporary tree. A removed stack's output left in dist/stacks is never read as the head's.
 */
export function computeAffected(workspaceRoot: string, base: string, head: string, scope: ChangeScope, atBase: Pick<BaseSynth, 'hashes'>): AffectedReport {
  const headHashes = readOutputHashes(workspaceRoot, scope.candidatesAtHead);
  const differences = diffOutputHashes(onlyStacks(atBase.hashes, scope.candidates), headHashes);
  return { base, head, changedFiles: scope.changedFiles, plain: scope.plain, effective: narrowAffected(differences, scope.changedFiles, headHashes) };
}

/**
 * The stacks whose output can differ between the base and the checkout: those `nx affected`
 * lists (a stack's synth inputs are exactly what Nx hashes for it; the corpus test checks
 * nothing else changes) and the stacks the checkout no longer has, which Nx cannot list.
 * Only these are synthesized at the base.
 */
export function candidateStacks(workspaceRoot: string, base: string, plain: readonly string[]): string[] {
  const now = new Set(listStacks(workspaceRoot));
  return [...new Set([...plain, ...stacksAt(workspaceRoot, base).filter((stack) => !now.has(stack))])].sort();
}
