import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { StackSynthReport } from '@platform/synth';
import { awaitedLater, ExternalError, listStacks, runInBackground } from '@platform/workspace';

/** sha256 of every synthesized file, by stack then environment. */
export type OutputHashes = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Reads the synth reports (dist/stacks/<stack>/synth.json) of a workspace: of every stack there, or of `stacks`. */
export function readOutputHashes(workspaceRoot: string, stacks?: readonly string[]): OutputHashes {
  const dir = join(workspaceRoot, 'dist/stacks');
  const hashes = new Map<string, Record<string, string>>();
  if (!existsSync(dir)) return hashes;
  for (const stack of stacks ? [...stacks].sort() : readdirSync(dir).filter((name) => !name.startsWith('.')).sort()) {
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

/** Reads the synthesized files (dist/stacks/<stack>/<env>/cdk.tf.json) of a workspace: of every stack there, or of `stacks`. */
export function readSynthesizedFiles(workspaceRoot: string, stacks?: readonly string[]): SynthesizedFiles {
  const files = new Map<string, Map<string, string>>();
  for (const [stack, environments] of readOutputHashes(workspaceRoot, stacks)) {
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

/** Runs git without holding this process: the `nx affected` started beside it keeps the cores busy meanwhile. */
async function gitInBackground(cwd: string, args: readonly string[]): Promise<string> {
  const run = await runInBackground('git', args, { cwd });
  if (run.code !== 0) throw new ExternalError(`git ${args.join(' ')} failed: ${run.stderr.trim()}`);
  return run.stdout.trim();
}

const lines = (text: string) => text.split('\n').filter(Boolean);

/**
 * Pathspecs of everything in `commit` but the folders `dirs` (paths in the repository): the
 * entries beside them and beside each folder above them.
 */
async function everythingBut(repository: string, commit: string, dirs: readonly string[]): Promise<string[]> {
  const above = new Set(dirs.flatMap((dir) => dir.split('/').slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join('/'))));
  const specs: string[] = [];
  const visit = async (folder: string | undefined) => {
    for (const entry of lines(await gitInBackground(repository, ['ls-tree', '--name-only', commit, ...(folder ? [`${folder}/`] : [])]))) {
      if (dirs.includes(entry)) continue;
      if (above.has(entry)) await visit(entry);
      else specs.push(entry);
    }
  };
  await visit(undefined);
  return specs;
}

/** Writes the files of `commit` that `pathspecs` name (all when none) into `dir`: no checkout, no worktree. */
function exportTree(repository: string, commit: string, pathspecs: readonly string[], dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', commit, '--', ...pathspecs], { cwd: repository, stdio: ['ignore', 'pipe', 'pipe'] });
    const extract = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    archive.stdout.pipe(extract.stdin);
    // What either printed on stderr is told only when one of them failed (tar may warn and succeed).
    let stderr = '';
    const failures: string[] = [];
    const ended = (name: string, child: ChildProcess) =>
      new Promise<void>((done) => {
        child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
        child.once('error', (error) => {
          failures.push(`${name}: ${error.message}`);
          done();
        });
        child.once('close', (code, signal) => {
          if (code !== 0) failures.push(`${name} ${signal ? `was killed by ${signal}` : `exited with ${code}`}`);
          done();
        });
      });
    void Promise.all([ended('git archive', archive), ended('tar', extract)]).then(() =>
      failures.length > 0 ? reject(new ExternalError(`exporting ${commit} into ${dir} failed (${failures.join(', ')}): ${stderr.trim()}`)) : resolve(),
    );
  });
}

/** A temporary folder holding a commit's files for a synth of some of its stacks. */
interface BaseTree {
  readonly repository: string;
  readonly tree: string;
  readonly estate: string;
  readonly sha: string;
  /** The stacks the commit has. */
  readonly stacks: readonly string[];
  /** The stack folder and settings files of each stack at the commit, as pathspecs. */
  readonly filesOf: (stack: string) => string[];
}

/** The part of `path` under the estate's `dir` that `rest` captures, if the path is there. */
function underEstate(estateDir: string, dir: string, path: string, rest: RegExp): string | undefined {
  const prefix = `${estateDir ? `${estateDir}/` : ''}${dir}/`;
  return path.startsWith(prefix) ? rest.exec(path.slice(prefix.length))?.[1] : undefined;
}

/**
 * The files of the estate's environments/ at a commit: each stack's settings
 * (environments/<env>/<stack>.yaml, for the stacks `stacks`) and the shared rest.
 */
async function environmentFilesAt(repository: string, sha: string, estateDir: string, stacks: ReadonlySet<string>): Promise<{ settingsOf: (stack: string) => string[]; shared: string[] }> {
  const files = lines(await gitInBackground(repository, ['ls-tree', '-r', '--name-only', sha, '--', estateDir ? `${estateDir}/environments` : 'environments']));
  const settings = new Map<string, string[]>();
  const shared: string[] = [];
  for (const path of files) {
    const stack = underEstate(estateDir, 'environments', path, /^[^/]+\/([^/]+)\.yaml$/);
    if (stack === undefined || !stacks.has(stack)) shared.push(path);
    else if (settings.has(stack)) settings.get(stack)!.push(path);
    else settings.set(stack, [path]);
  }
  return { settingsOf: (stack) => settings.get(stack) ?? [], shared };
}

/**
 * A commit's files in a temporary folder sharing this checkout's node_modules: with every stack,
 * or with no stack's folder or settings files yet (a thousand-stack estate has four thousand
 * settings files; exporting them would cost seconds).
 */
async function prepareBaseTree(workspaceRoot: string, commit: string, withStacks: boolean): Promise<BaseTree> {
  const [sha, repository] = await Promise.all([
    gitInBackground(workspaceRoot, ['rev-parse', '--verify', `${commit}^{commit}`]),
    gitInBackground(workspaceRoot, ['rev-parse', '--show-toplevel']),
  ]);
  // The estate may be a folder of the repository (--estate): the same folder of the export.
  const estateDir = relative(repository, workspaceRoot);
  const inEstate = (path: string) => (estateDir ? `${estateDir}/${path}` : path);
  const stacks = lines(await gitInBackground(repository, ['ls-tree', '-r', '--name-only', sha, '--', inEstate('stacks')]));
  const names = new Set(stacks.map((path) => underEstate(estateDir, 'stacks', path, /^([^/]+)\/package\.json$/)).filter((name): name is string => name !== undefined));
  const { settingsOf, shared } = await environmentFilesAt(repository, sha, estateDir, names);
  const filesOf = (stack: string) => [inEstate(`stacks/${stack}`), ...settingsOf(stack)];
  const tree = mkdtempSync(join(tmpdir(), `synth-${sha.slice(0, 8)}-`));
  try {
    await exportTree(repository, sha, withStacks ? [] : [...(await everythingBut(repository, sha, [inEstate('stacks'), inEstate('environments')])), ...shared], tree);
    symlinkSync(join(repository, 'node_modules'), join(tree, 'node_modules'), 'dir');
  } catch (error) {
    rmSync(tree, { recursive: true, force: true });
    throw error;
  }
  return { repository, tree, estate: join(tree, estateDir), sha, stacks: [...names].sort(), filesOf };
}

/** A base commit's synthesized stacks: output hashes and files. */
export interface BaseSynth {
  readonly hashes: OutputHashes;
  readonly files: SynthesizedFiles;
}

/** What the synth in the tree left; a stack that failed to synthesize there has no hash, so every environment counts as changed. */
function collectBaseSynth(base: BaseTree, status: number | null, output: string): BaseSynth {
  if (status !== 0 && !existsSync(join(base.estate, 'dist/stacks'))) {
    throw new ExternalError(`synth at ${base.sha.slice(0, 12)} failed: ${output.trim().split('\n').slice(-3).join(' / ')}`);
  }
  return { hashes: readOutputHashes(base.estate), files: readSynthesizedFiles(base.estate) };
}

/** A base commit whose code is the working tree's: only the estate's settings differ. */
interface BaseOfThisCode {
  readonly repository: string;
  readonly sha: string;
  /** The estate's folder in the repository ('' for the repository itself). */
  readonly estateDir: string;
}

/**
 * The commit, when the working tree differs from it only under the estate's environments/ (the
 * settings), in tracked and untracked files alike: its stacks are this checkout's code with other
 * settings. Undefined when anything else differs: code, a manifest, the engine's versions.
 */
async function baseOfThisCode(workspaceRoot: string, commit: string): Promise<BaseOfThisCode | undefined> {
  const [sha, repository] = await Promise.all([
    gitInBackground(workspaceRoot, ['rev-parse', '--verify', `${commit}^{commit}`]),
    gitInBackground(workspaceRoot, ['rev-parse', '--show-toplevel']),
  ]);
  const estateDir = relative(repository, workspaceRoot);
  const settings = `${estateDir ? `${estateDir}/` : ''}environments/`;
  const [changed, untracked] = await Promise.all([
    gitInBackground(repository, ['diff', '--name-only', '--no-renames', sha]),
    gitInBackground(repository, ['ls-files', '--others', '--exclude-standard']),
  ]);
  return [...lines(changed), ...lines(untracked)].every((path) => path.startsWith(settings)) ? { repository, sha, estateDir } : undefined;
}

/**
 * The base's stacks synthesized in this process, which has their code loaded already: the
 * base's environments/ files they read go into a temporary folder, where the synth reads its
 * settings and writes its output. No second process loads cdktf and the stacks again.
 */
async function synthesizeWithBaseSettings(workspaceRoot: string, base: BaseOfThisCode, stacks: readonly string[]): Promise<BaseSynth> {
  const present = new Set(listStacks(workspaceRoot));
  const names = stacks.filter((stack) => present.has(stack));
  if (names.length === 0) return { hashes: new Map(), files: new Map() };
  // The shared files and the candidates' settings: a thousand-stack estate has four thousand settings files.
  const { settingsOf, shared } = await environmentFilesAt(base.repository, base.sha, base.estateDir, present);
  const tree = mkdtempSync(join(tmpdir(), `settings-${base.sha.slice(0, 8)}-`));
  try {
    const files = [...shared, ...names.flatMap(settingsOf)];
    // No pathspec would export the whole commit.
    if (files.length > 0) await exportTree(base.repository, base.sha, files, tree);
    const settingsRoot = join(tree, base.estateDir);
    const { runSynth } = await import('@platform/synth');
    await runSynth({ workspaceRoot, stacks: names, settingsRoot });
    return { hashes: readOutputHashes(settingsRoot), files: readSynthesizedFiles(settingsRoot) };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}

/** The script that loads a base's synth code before its stacks are known (see the file). */
const BASE_SYNTH_PROCESS = join(import.meta.dirname, 'base-synth-process.ts');

/**
 * Where the synth of base commits through Nx keeps its cache, in the checkout: apart from the
 * checkout's own (Nx indexes a cache folder in its workspace data, which a base folder has of
 * its own), and kept between runs, so that comparing with the same base again restores it.
 */
export const BASE_NX_CACHE_DIR = '.nx/base-synth';

function baseNxEnvironment(workspaceRoot: string): NodeJS.ProcessEnv {
  return {
    NX_CACHE_DIRECTORY: join(workspaceRoot, BASE_NX_CACHE_DIR, 'cache'),
    NX_WORKSPACE_DATA_DIRECTORY: join(workspaceRoot, BASE_NX_CACHE_DIR, 'workspace-data'),
  };
}

export interface SynthesizeAtOptions {
  /**
   * Through Nx (its cache, and the runners' remote cache, may hold the base's outputs: main's CI
   * synthesized them) or in a process of the base's own. Default: through Nx from
   * NX_SYNTH_MIN_STACKS stacks, where the estate is an Nx workspace.
   */
  readonly throughNx?: boolean;
  /**
   * A commit whose code is the working tree's (only environments/ differ) has its few stacks
   * synthesized in this process, with its settings (`synthesizeWithBaseSettings`). Default: so,
   * unless `throughNx` is given or Nx would pay for as many stacks; false: never.
   */
  readonly inThisProcess?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * Synthesizes the stacks as of a commit (every stack, or those of `stacks` that exist there)
 * and returns the output hashes and files. The synth runs in child processes this one does not
 * wait on (the head can synthesize meanwhile), in a temporary folder with the commit's files
 * that shares this checkout's node_modules, without the folders of the stacks it does not
 * synthesize (a thousand-stack repository exports what a handful need). `stacks` may be a
 * promise: a process starts at once and loads the commit's synth code while the caller finds
 * them (with `nx affected`). Many stacks go through Nx instead (`options.throughNx`), with a
 * cache of base outputs kept in the checkout (BASE_NX_CACHE_DIR) and the runners' remote cache.
 * A commit whose code is the working tree's (a change of settings only) needs neither: its few
 * candidates are synthesized in this process, with its settings (`options.inThisProcess`).
 * Nothing else in the checkout changes.
 */
export async function synthesizeAt(
  workspaceRoot: string,
  commit: string,
  stacks?: readonly string[] | PromiseLike<readonly string[]>,
  options: SynthesizeAtOptions = {},
): Promise<BaseSynth> {
  if (stacks !== undefined && options.throughNx === undefined && options.inThisProcess !== false) {
    const sameCode = await baseOfThisCode(workspaceRoot, commit);
    if (sameCode) {
      const names = await stacks;
      const { synthThroughNxPays } = await import('@platform/synth');
      if (!synthThroughNxPays(workspaceRoot, names.length, { loaded: true })) {
        options.log?.(`base ${sameCode.sha.slice(0, 12)}: only settings differ, its candidates are synthesized in this process`);
        return synthesizeWithBaseSettings(workspaceRoot, sameCode, names);
      }
      stacks = names;
    }
  }
  // Awaited below, after the tree is ready: a failure meanwhile (nx affected failed) is reported there.
  const known = awaitedLater(Promise.resolve(stacks));
  const base = await prepareBaseTree(workspaceRoot, commit, stacks === undefined);
  let wanted: (stacks: readonly string[] | undefined) => void = () => undefined;
  const input = new Promise<readonly string[] | undefined>((resolve) => (wanted = resolve));
  // Run from the base's tree (its tsconfig maps the @platform/* imports to the base's code).
  const run = runInBackground(process.execPath, ['--import', 'tsx', BASE_SYNTH_PROCESS, base.estate], {
    cwd: base.tree,
    keepBytes: 20_000,
    input: input.then((names) => (names && names.length > 0 ? `${JSON.stringify(names)}\n` : undefined)),
  });
  try {
    const requested = await known;
    const names = requested === undefined ? base.stacks : requested.filter((stack) => base.stacks.includes(stack));
    if (requested !== undefined && names.length > 0) await exportTree(base.repository, base.sha, names.flatMap(base.filesOf), base.tree);
    if (names.length === 0) {
      wanted(undefined);
      return { hashes: new Map(), files: new Map() };
    }
    const synth = await import('@platform/synth');
    if (options.throughNx ?? synth.synthThroughNxPays(base.estate, names.length, { loaded: false })) {
      // The process that loaded the base's code ends unused: Nx runs the base's own synth executor.
      wanted(undefined);
      await synth.synthesizeThroughNx({ workspaceRoot: base.estate, stacks: names, env: baseNxEnvironment(workspaceRoot), log: (line) => options.log?.(`base ${base.sha.slice(0, 12)}: ${line}`) });
      return collectBaseSynth(base, 0, '');
    }
    wanted(names);
    const ended = await run;
    return collectBaseSynth(base, ended.code, `${ended.stderr}${ended.stdout}`);
  } finally {
    // The stacks never came (the caller failed): the child ends on its closed stdin.
    wanted(undefined);
    await run.catch(() => undefined);
    rmSync(base.tree, { recursive: true, force: true });
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
