import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '@platform/config';
import { copyWorkspaceAsRepository, removeWorkspaceCopy } from '@platform/testing';
import { synthesizeAt } from './output-hashes';

const WORKSPACE = findWorkspaceRoot(import.meta.dirname);

/** The temporary base folders synthesizeAt made (synth-<sha>-…), in this file's own temporary folder (libs/testing's set-up). */
const baseFolders = () => readdirSync(tmpdir()).filter((name) => /^synth-[0-9a-f]{8}-/.test(name));

/** The base's own process, whatever differs from the working tree. */
const PROCESS = { inThisProcess: false } as const;

const later = <T>(value: T, ms = 300): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('synthesizeAt, started before the candidates are known', () => {
  it("synthesizes the base's candidates once they come, leaving out those the base does not have", async () => {
    const base = await synthesizeAt(WORKSPACE, 'HEAD', later(['network', 'no-such-stack']), PROCESS);
    expect([...base.hashes.keys()]).toEqual(['network']);
    expect(Object.keys(base.hashes.get('network')!).sort()).toEqual(['dev', 'drill', 'prod', 'staging']);
    expect(base.files.get('network')!.get('prod')).toMatch(/google_compute_network/);
    expect(baseFolders()).toEqual([]);
  }, 120_000);

  it('ends its process and removes its folder when the candidates never come (nx affected failed)', async () => {
    await expect(synthesizeAt(WORKSPACE, 'HEAD', Promise.reject(new Error('nx affected failed')), PROCESS)).rejects.toThrow('nx affected failed');
    expect(baseFolders()).toEqual([]);
  }, 60_000);

  it('names the commit it cannot find, and leaves no folder behind', async () => {
    await expect(synthesizeAt(WORKSPACE, 'no-such-commit', later(['network']), PROCESS)).rejects.toThrow(/git rev-parse --verify no-such-commit\^\{commit\} failed/);
    expect(baseFolders()).toEqual([]);
  }, 60_000);

  it('synthesizes nothing when no candidate exists at the base', async () => {
    const base = await synthesizeAt(WORKSPACE, 'HEAD', later([]), PROCESS);
    expect(base.hashes.size).toBe(0);
  }, 60_000);
});

describe('synthesizeAt, when only settings differ from the working tree', () => {
  let copy: string;
  const SETTING = 'environments/prod/gke-cluster.yaml';
  const edit = (file: string, change: (text: string) => string) => writeFileSync(join(copy, file), change(readFileSync(join(copy, file), 'utf8')));

  beforeAll(() => {
    copy = copyWorkspaceAsRepository(WORKSPACE, 'settings-only');
  }, 60_000);
  afterAll(() => {
    if (copy) removeWorkspaceCopy(copy);
  });

  it("synthesizes the base's candidates in this process, with the base's settings, as the base's own process does", async () => {
    edit(SETTING, (text) => text.replace('maxNodes: 20', 'maxNodes: 25'));
    const lines: string[] = [];
    const here = await synthesizeAt(copy, 'HEAD', later(['gke-cluster', 'no-such-stack']), { log: (line) => lines.push(line) });
    expect(lines.join('\n')).toMatch(/^base [0-9a-f]{12}: only settings differ, its candidates are synthesized in this process$/);
    const own = await synthesizeAt(copy, 'HEAD', ['gke-cluster'], PROCESS);
    expect([...here.hashes.keys()]).toEqual(['gke-cluster']);
    expect(here.hashes).toEqual(own.hashes);
    expect(here.files.get('gke-cluster')!.get('prod')).toMatch(/"max_node_count": 20/);
    expect(readdirSync(tmpdir()).filter((name) => /^(settings|synth)-[0-9a-f]{8}-/.test(name))).toEqual([]);
  }, 120_000);

  it("starts the base's own process when anything but settings differs, tracked or untracked", async () => {
    for (const change of [
      () => edit('stacks/gke-cluster/src/index.ts', (text) => `${text}\n// a code change\n`),
      () => appendFileSync(join(copy, 'stacks/gke-cluster/src/new-file.ts'), 'export {};\n'),
    ]) {
      change();
      const lines: string[] = [];
      const base = await synthesizeAt(copy, 'HEAD', ['gke-cluster'], { log: (line) => lines.push(line) });
      expect(lines.filter((line) => line.includes('only settings differ'))).toEqual([]);
      expect([...base.hashes.keys()]).toEqual(['gke-cluster']);
    }
  }, 120_000);
});
