import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { replaceFolderAtomically } from './write-output';

describe('replacing a folder atomically', () => {
  it('replaces the content whole and leaves no staging folder', () => {
    const parent = mkdtempSync(join(tmpdir(), 'replace-'));
    const target = join(parent, 'stack');
    replaceFolderAtomically(target, new Map([['dev/a.json', '1'], ['b.json', '2']]));
    replaceFolderAtomically(target, new Map([['dev/a.json', '3']]));
    expect(readFileSync(join(target, 'dev/a.json'), 'utf8')).toBe('3');
    expect(readdirSync(target)).toEqual(['dev']);
    expect(readdirSync(parent)).toEqual(['stack']);
  });

  it('survives concurrent writers of the same folder: one complete version wins', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'replace-race-'));
    const target = join(parent, 'stack');
    const source = `
      const { workerData } = require('node:worker_threads');
      const { mkdirSync, writeFileSync, renameSync, existsSync, rmSync } = require('node:fs');
      const { join } = require('node:path');
      for (let i = 0; i < 20; i++) {
        const staging = join(workerData.parent, '.w' + workerData.id + '-' + i);
        mkdirSync(join(staging, 'dev'), { recursive: true });
        writeFileSync(join(staging, 'dev/a.json'), String(workerData.id));
        writeFileSync(join(staging, 'b.json'), String(workerData.id));
        for (let attempt = 0; ; attempt++) {
          try { if (existsSync(workerData.target)) renameSync(workerData.target, staging + '-old-' + attempt); } catch (e) { if (e.code !== 'ENOENT') throw e; }
          try { renameSync(staging, workerData.target); break; } catch (e) { if (!['ENOTEMPTY', 'EEXIST'].includes(e.code) || attempt > 10) throw e; }
        }
      }`;
    // The workers run the same rename protocol as replaceFolderAtomically, racing the main thread.
    const workers = [1, 2].map((id) => new Worker(source, { eval: true, workerData: { parent, target, id } }));
    for (let i = 0; i < 20; i++) replaceFolderAtomically(target, new Map([['dev/a.json', '0'], ['b.json', '0']]));
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => w.on('exit', resolve).on('error', reject))));
    const a = readFileSync(join(target, 'dev/a.json'), 'utf8');
    expect(readFileSync(join(target, 'b.json'), 'utf8')).toBe(a);
  });
});
