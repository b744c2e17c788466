import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { synthesizeAt } from './output-hashes';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/** The temporary base folders synthesizeAt made (synth-<sha>-…), in this file's own temporary folder (libs/testing's set-up). */
const baseFolders = () => readdirSync(tmpdir()).filter((name) => /^synth-[0-9a-f]{8}-/.test(name));

const later = <T>(value: T, ms = 300): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('synthesizeAt, started before the candidates are known', () => {
  it("synthesizes the base's candidates once they come, leaving out those the base does not have", async () => {
    const base = await synthesizeAt(WORKSPACE, 'HEAD', later(['network', 'no-such-stack']));
    expect([...base.hashes.keys()]).toEqual(['network']);
    expect(Object.keys(base.hashes.get('network')!).sort()).toEqual(['dev', 'drill', 'prod', 'staging']);
    expect(base.files.get('network')!.get('prod')).toMatch(/google_compute_network/);
    expect(baseFolders()).toEqual([]);
  }, 120_000);

  it('ends its process and removes its folder when the candidates never come (nx affected failed)', async () => {
    await expect(synthesizeAt(WORKSPACE, 'HEAD', Promise.reject(new Error('nx affected failed')))).rejects.toThrow('nx affected failed');
    expect(baseFolders()).toEqual([]);
  }, 60_000);

  it('names the commit it cannot find, and leaves no folder behind', async () => {
    await expect(synthesizeAt(WORKSPACE, 'no-such-commit', later(['network']))).rejects.toThrow(/git rev-parse --verify no-such-commit\^\{commit\} failed/);
    expect(baseFolders()).toEqual([]);
  }, 60_000);

  it('synthesizes nothing when no candidate exists at the base', async () => {
    const base = await synthesizeAt(WORKSPACE, 'HEAD', later([]));
    expect(base.hashes.size).toBe(0);
  }, 60_000);
});
