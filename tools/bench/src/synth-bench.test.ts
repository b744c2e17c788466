import { describe, expect, it } from 'vitest';
import { median } from './timing';

describe('benchmark statistics', () => {
  it.each([
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])('takes the median of %j as %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
