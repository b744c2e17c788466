import { $ } from 'zx';

/**
 * Runs targets through Nx so that its cache and task graph apply. Output streams to the
 * terminal; the exit code is the answer.
 */
export async function runNxTargets(
  workspaceRoot: string,
  targets: readonly string[],
  extraArgs: readonly string[] = [],
): Promise<number> {
  const result = await $({ cwd: workspaceRoot, nothrow: true, stdio: 'inherit', env: { ...process.env, NX_TUI: 'false' } })`npx nx run-many -t ${targets.join(',')} --outputStyle=static ${extraArgs}`;
  return result.exitCode ?? 1;
}
