import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nxAffectedArgs, startNxAffected } from './nx-affected';

describe('startNxAffected', () => {
  it('starts nothing for an estate kept apart from the Nx workspace (no nx.json)', () => {
    const estate = mkdtempSync(join(tmpdir(), 'estate-'));
    try {
      expect(startNxAffected(estate, 'main', 'HEAD')).toBeUndefined();
    } finally {
      rmSync(estate, { recursive: true, force: true });
    }
  });

  it('asks Nx for the projects affected between the two commits', () => {
    expect(nxAffectedArgs('origin/main', 'HEAD')).toEqual(['show', 'projects', '--affected', '--base=origin/main', '--head=HEAD']);
  });
});
