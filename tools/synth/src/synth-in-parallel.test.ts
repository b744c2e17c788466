import { describe, expect, it } from 'vitest';
import { dealStacks, STACKS_PER_WORKER, workersFor } from './synth-in-parallel';

describe('spreading stacks over synth processes', () => {
  it('deals the stacks in turn, every stack exactly once, shares within one of each other', () => {
    const stacks = Array.from({ length: 11 }, (_, i) => `s${i}`);
    const slices = dealStacks(stacks, 3);
    expect(slices.flat().sort()).toEqual([...stacks].sort());
    expect(slices.map((slice) => slice.length)).toEqual([4, 4, 3]);
  });

  it('never makes an empty share', () => {
    expect(dealStacks(['a', 'b'], 4)).toEqual([['a'], ['b']]);
  });

  it('uses one process until there are enough stacks to earn a worker, and never more than the jobs', () => {
    expect(workersFor(1, 8)).toBe(1);
    expect(workersFor(2 * STACKS_PER_WORKER - 1, 8)).toBe(1);
    expect(workersFor(2 * STACKS_PER_WORKER, 8)).toBe(2);
    expect(workersFor(1000, 2)).toBe(2);
    expect(workersFor(1000, 1)).toBe(1);
  });
});
