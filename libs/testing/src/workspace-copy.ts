import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/**
 * A copy of the workspace's source files (tracked and untracked-but-not-ignored) in a new
 * temporary folder, sharing node_modules through a symlink. For tests that must run the real
 * commands without touching the checkout.
 */
export function copyWorkspace(workspaceRoot: string, under: string = tmpdir(), label = 'workspace'): string {
  mkdirSync(under, { recursive: true });
  return copyWorkspaceInto(workspaceRoot, mkdtempSync(join(under, `${label}-`)));
}

/** `copyWorkspace` into a folder of the caller's choosing, which must be empty or absent. */
export function copyWorkspaceInto(workspaceRoot: string, target: string): string {
  mkdirSync(target, { recursive: true });
  if (readdirSync(target).length > 0) throw new Error(`${target} is not empty: a workspace copy goes into an empty folder`);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: workspaceRoot,
    encoding: 'utf8',
  })
    .split('\0')
    .filter(Boolean);
  for (const file of files) {
    const source = join(workspaceRoot, file);
    let stats;
    try {
      stats = statSync(source);
    } catch {
      continue; // deleted in the working tree but still in the index
    }
    if (!stats.isFile()) continue;
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(source, join(target, file));
  }
  symlinkSync(join(workspaceRoot, 'node_modules'), join(target, 'node_modules'), 'dir');
  return target;
}

export function removeWorkspaceCopy(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** Every file under `dir`, relative, sorted, with its bytes. */
export function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  const walk = (current: string) => {
    for (const name of readdirSync(current).sort()) {
      const path = join(current, name);
      if (statSync(path).isDirectory()) walk(path);
      else files.set(relative(dir, path), readFileSync(path));
    }
  };
  walk(dir);
  return files;
}

/**
 * A copy of the workspace that is a git repository with one commit, like a clean clone:
 * for commands that compare commits (affected, blast radius) or package a commit.
 */
export function copyWorkspaceAsRepository(workspaceRoot: string, label: string, under?: string): string {
  return commitCopy(copyWorkspace(workspaceRoot, under, label));
}

/** `copyWorkspaceAsRepository` into a folder of the caller's choosing, which must be empty or absent. */
export function copyWorkspaceAsRepositoryInto(workspaceRoot: string, target: string): string {
  return commitCopy(copyWorkspaceInto(workspaceRoot, target));
}

function commitCopy(copy: string): string {
  writeFileSync(join(copy, '.gitignore'), `${readFileSync(join(copy, '.gitignore'), 'utf8')}node_modules\n`);
  commitAll(copy, 'clean clone');
  return copy;
}

/** `git init` if needed, then commits every change in the copy. */
export function commitAll(repository: string, message: string): void {
  const run = (args: string[]) => execFileSync('git', ['-c', 'user.name=platform-tests', '-c', 'user.email=tests@localhost', ...args], { cwd: repository, stdio: 'pipe' });
  if (!existsSync(join(repository, '.git'))) run(['init', '-q', '-b', 'main']);
  run(['add', '-A']);
  run(['commit', '-q', '--allow-empty', '-m', message]);
}
