import { describe, expect, it } from 'vitest';
import { nxChildEnvironment } from './child-environment';

describe('the environment of a child Nx run', () => {
  const parent = {
    PATH: '/bin',
    NX_TASK_TARGET_PROJECT: 'network',
    NX_WORKSPACE_ROOT: '/parent',
    NX_CACHE_DIRECTORY: '/parent/.nx/cache',
    NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'https://cache.example.com',
    NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'secret',
  };
  const fixed = { NX_DAEMON: 'false', NX_TUI: 'false', NX_NO_CLOUD: 'true', FORCE_COLOR: '0' };

  it('drops every variable of the Nx task around it, the remote cache too', () => {
    expect(nxChildEnvironment(parent)).toEqual({ PATH: '/bin', ...fixed });
  });

  it("keeps the runner's remote cache when asked, and nothing else of the parent's Nx", () => {
    expect(nxChildEnvironment(parent, { remoteCache: true })).toEqual({
      PATH: '/bin',
      NX_SELF_HOSTED_REMOTE_CACHE_SERVER: 'https://cache.example.com',
      NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: 'secret',
      ...fixed,
    });
  });
});
