import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { synthesizeInOneProcess, type StackSynthEnd } from './executor';

describe('synth executor', () => {
  let folder: string | undefined;
  afterEach(() => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    folder = undefined;
  });

  it('ends every stack the process never reported in failure, with how the process ended and its error output', async () => {
    // No CLI (and no tsx) in this folder: the process exits at once without a line.
    folder = mkdtempSync(join(tmpdir(), 'synth-executor-'));
    const ends: StackSynthEnd[] = [];
    for await (const end of synthesizeInOneProcess(folder, ['network', 'database'])) ends.push(end);
    expect(ends.map((end) => [end.stack, end.success])).toEqual([
      ['network', false],
      ['database', false],
    ]);
    expect(ends[0]!.terminalOutput).toMatch(/platform synth exited with 1 before it synthesized network/);
    expect(ends[0]!.terminalOutput).toMatch(/tsx/);
  });
});
