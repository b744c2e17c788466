/**
 * The environment for running Nx (or a platform command that runs Nx) as a child process:
 * the parent's variables without those of an Nx task it may itself be running inside, which
 * would otherwise point the child at the parent's workspace and task.
 */
export function nxChildEnvironment(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('NX_')));
  return { ...kept, NX_DAEMON: env.NX_DAEMON ?? 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' };
}
