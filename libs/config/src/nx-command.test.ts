import { spawnSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nxCommand } from './nx-command';
import { findWorkspaceRoot } from './workspace-root';

describe('nxCommand', () => {
  it("runs the workspace's own Nx with node, without npx in front", () => {
    const root = findWorkspaceRoot(import.meta.dirname);
    const nx = nxCommand(root, ['--version']);
    expect(nx.command).toBe(process.execPath);
    // node_modules may be a link (a workspace copy's): the same file either way.
    expect(realpathSync(nx.args[0]!)).toBe(realpathSync(join(root, 'node_modules/nx/bin/nx.js')));
    const result = spawnSync(nx.command, nx.args, { cwd: root, encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/v22\./);
  });

  it('leaves finding Nx to npx in a folder where Nx is not installed', () => {
    const folder = mkdtempSync(join(tmpdir(), 'no-nx-'));
    try {
      expect(nxCommand(folder, ['show', 'projects'])).toEqual({ command: 'npx', args: ['nx', 'show', 'projects'] });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
