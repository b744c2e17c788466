import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const declared = JSON.parse(readFileSync(join(import.meta.dirname, '../../executors.json'), 'utf8')) as {
  executors: Record<string, { implementation: string; batchImplementation: string; preferBatch: boolean }>;
};

describe('executors.json', () => {
  it.each([
    ['synth', 'batchSynth'],
    ['typecheck', 'batchTypecheck'],
    ['lint', 'batchLint'],
    ['test', 'batchTest'],
  ])('declares the %s executor with a batch implementation (%s) that Nx prefers', async (name, batch) => {
    expect(declared.executors[name]).toMatchObject({
      implementation: `./src/executors/${name}/executor`,
      batchImplementation: `./src/executors/${name}/executor#${batch}`,
      preferBatch: true,
    });
    const module = (await import(`./${name}/executor.ts`)) as Record<string, unknown>;
    expect(typeof module.default).toBe('function');
    expect(typeof module[batch]).toBe('function');
  });
});
