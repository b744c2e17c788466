import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { nxChildEnvironment, nxCommand } from '@platform/config/nx';
import { runInBackground, type BackgroundRun } from '@platform/workspace/run-in-background';

/** The arguments of the `nx affected` question change detection asks. */
export function nxAffectedArgs(base: string, head: string): string[] {
  return ['show', 'projects', '--affected', `--base=${base}`, `--head=${head}`];
}

/**
 * `nx show projects --affected` between two commits, started now in a child process this one
 * does not wait on; undefined for an estate kept apart from the Nx workspace (no nx.json). It
 * imports only light modules (`@platform/change/nx-affected`): a command starts Nx, the longest
 * step, before it loads its libraries. The caller must handle a rejection at once.
 */
export function startNxAffected(workspaceRoot: string, base: string, head: string): Promise<BackgroundRun> | undefined {
  if (!existsSync(join(workspaceRoot, 'nx.json'))) return undefined;
  const nx = nxCommand(workspaceRoot, nxAffectedArgs(base, head));
  return runInBackground(nx.command, nx.args, { cwd: workspaceRoot, env: nxChildEnvironment() });
}
