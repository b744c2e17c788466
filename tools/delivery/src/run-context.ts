import { spawnSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { ExternalError } from '@platform/workspace';

function git(cwd: string, args: string[]): { readonly ok: boolean; readonly out: string } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { ok: result.status === 0, out: (result.stdout ?? '').trim() };
}

/**
 * Who runs this, for the records: the GitHub Actions actor and run, else the git identity of the
 * workspace, else the operating-system user.
 */
export function currentActor(workspaceRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  if (env['GITHUB_ACTOR']) {
    const run = env['GITHUB_RUN_ID'] ? ` (${env['GITHUB_REPOSITORY'] ?? 'github'} run ${env['GITHUB_RUN_ID']})` : '';
    return `${env['GITHUB_ACTOR']}${run}`;
  }
  const name = git(workspaceRoot, ['config', 'user.name']).out;
  const email = git(workspaceRoot, ['config', 'user.email']).out;
  if (name || email) return [name, email ? `<${email}>` : ''].filter(Boolean).join(' ');
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The commit checked out and whether the files under `paths` differ from it (uncommitted or untracked changes). */
export function workingTreeState(workspaceRoot: string, paths: readonly string[] = ['.']): { readonly commit: string; readonly dirty: boolean } {
  const head = git(workspaceRoot, ['rev-parse', '--verify', 'HEAD^{commit}']);
  if (!head.ok) throw new ExternalError(`${workspaceRoot} is not a git checkout with a commit: records name the commit they ran`);
  const status = git(workspaceRoot, ['status', '--porcelain', '--untracked-files=normal', '--', ...paths]);
  if (!status.ok) throw new ExternalError(`git status failed in ${workspaceRoot}`);
  return { commit: head.out, dirty: status.out !== '' };
}
