import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot, listEnvironments } from '@platform/config';
import { TSX } from '@platform/testing';
import { listStacks } from '@platform/workspace';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

function platform(...args: string[]) {
  const result = spawnSync(process.execPath, [...TSX, 'tools/cli/bin/platform.mts', ...args], { cwd: WORKSPACE, encoding: 'utf8' });
  return { code: result.status, stderr: result.stderr };
}

/* Stack and environment names are checked once, at the edge, against the workspace's own lists. */
describe('names given on the command line', () => {
  it.each([
    ['plan', '../x', '--env', 'dev'],
    ['apply', '../../tmp/escape', '--env', 'dev'],
    ['validate', 'netwrok'],
    ['package', '../x'],
    ['publish', '../x'],
  ])('refuses an unknown stack before touching anything: %s %s', (...args) => {
    const { code, stderr } = platform(...args);
    expect(code, stderr).toBe(64);
    expect(stderr).toContain(`unknown stack '${args[1]}': the stacks are ${listStacks(WORKSPACE).join(', ')}`);
    expect(existsSync(join(WORKSPACE, 'dist/x')), 'no working directory outside dist/engine').toBe(false);
  }, 60_000);

  it('refuses an unknown environment, naming the known ones', () => {
    const { code, stderr } = platform('plan', 'network', '--env', '../prod');
    expect(code, stderr).toBe(64);
    expect(stderr).toContain(`unknown environment '../prod': the environments are ${listEnvironments(WORKSPACE).join(', ')}`);
  }, 60_000);
});
