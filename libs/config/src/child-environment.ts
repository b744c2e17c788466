/** Variables that name a shared remote cache (Nx's self-hosted remote cache API). */
const REMOTE_CACHE_VARIABLE = /^NX_SELF_HOSTED_REMOTE_CACHE_/;

/**
 * The environment for running Nx (or a platform command that runs Nx) as a child process:
 * the parent's variables without those of an Nx task it may itself be running inside, which
 * would otherwise point the child at the parent's workspace and task. With `remoteCache`, the
 * runner's remote cache stays: for a child that runs tasks whose outputs the cache may hold
 * (they name the runner's cache, not the parent's workspace). Without it, a child's tasks run
 * or hit only its own local cache, as tests that count what ran need.
 */
export function nxChildEnvironment(env: NodeJS.ProcessEnv = process.env, options: { readonly remoteCache?: boolean } = {}): NodeJS.ProcessEnv {
  const kept = Object.fromEntries(Object.entries(env).filter(([key]) => !key.startsWith('NX_') || (options.remoteCache === true && REMOTE_CACHE_VARIABLE.test(key))));
  return { ...kept, NX_DAEMON: env.NX_DAEMON ?? 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' };
}
