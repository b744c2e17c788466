import { nxCommand } from '@platform/config';
import { $ } from 'zx';
import { performance } from 'node:perf_hooks';

/** Wall time of an action, in seconds. */
export async function seconds(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** zx in the workspace, quiet, with the environment every bench runs Nx in: no terminal UI, no daemon unless NX_DAEMON asks for it. */
export function benchShell(workspaceRoot: string, env: NodeJS.ProcessEnv = {}) {
  return $({ cwd: workspaceRoot, quiet: true, env: { ...process.env, NX_TUI: 'false', NX_DAEMON: process.env.NX_DAEMON ?? 'false', ...env } });
}

/** Runs Nx as the platform runs it (node on Nx's bin script), through `benchShell`. */
export function nxRunner(workspaceRoot: string, env: NodeJS.ProcessEnv = {}) {
  const shell = benchShell(workspaceRoot, env);
  return (args: readonly string[]) => {
    const nx = nxCommand(workspaceRoot, [...args]);
    return shell`${nx.command} ${nx.args}`;
  };
}
