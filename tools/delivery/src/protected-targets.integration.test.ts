import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot, nxChildEnvironment } from '@platform/config';
import { engineWorkdir } from '@platform/deploy';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/* The inferred Nx targets reach staging and production no more than the commands do. */
describe('the inferred apply and destroy targets of a protected environment', () => {
  let repository: string;
  beforeAll(() => {
    repository = copyWorkspaceAsRepository(WORKSPACE, 'protected-targets');
  }, 120_000);
  afterAll(() => removeWorkspaceCopy(repository));

  it.each([
    ['bootstrap:apply:prod', 'apply', 'prod'],
    ['bootstrap:destroy:staging', 'destroy', 'staging'],
  ])('%s is refused before any engine call, saying how to promote', (target, operation, environment) => {
    const result = spawnSync('npx', ['nx', 'run', target, '--outputStyle=static'], { cwd: repository, encoding: 'utf8', env: { ...nxChildEnvironment(), NX_DAEMON: 'false' } });
    const output = `${result.stdout}\n${result.stderr}`;
    expect(result.status, output).not.toBe(0);
    expect(output).toContain(`refusing to ${operation} bootstrap in ${environment}: it is a ${environment === 'prod' ? 'production' : 'staging'} environment`);
    expect(output).toContain('--break-glass "<ticket and reason>"');
    expect(existsSync(join(repository, engineWorkdir('bootstrap', environment))), 'no engine working directory').toBe(false);
  }, 180_000);
});
