import { expect, it } from 'vitest';
import { median, quantile } from './quantiles';

it('quantiles interpolate like NumPy', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 2, 3])).toBe(2.5);
  expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
  expect(quantile([0, 10], 0.3)).toBeCloseTo(3, 12);
});

it('quantile equals the NumPy linear rule (x[⌊h⌋] + (h − ⌊h⌋)(x[⌊h⌋+1] − x[⌊h⌋]), h = q(n − 1)) on shuffled samples, and rejects bad input', () => {
  // Sorted sample [-1, 0.5, 2, 2, 10]: h = 4q.
  const sorted = [-1, 0.5, 2, 2, 10];
  const shuffled = [2, 10, -1, 2, 0.5];
  const cases: [number, number][] = [[0, -1], [1, 10], [0.125, -1 + 0.5 * 1.5], [0.5, 2], [0.6, 2], [0.9, 2 + 0.6 * 8]];
  for (const [q, want] of cases) expect(quantile(shuffled, q)).toBeCloseTo(want, 12);
  expect(shuffled).toEqual([2, 10, -1, 2, 0.5]); // the input is not sorted in place
  expect(quantile([7], 0.3)).toBe(7);
  expect(median(sorted)).toBe(2);
  expect(() => quantile([], 0.5)).toThrow('quantile: values must not be empty');
  expect(() => quantile([1], 1.5)).toThrow('quantile: q must be in [0, 1], got 1.5');
  expect(() => quantile([1], Number.NaN)).toThrow('quantile: q must be in [0, 1], got NaN');
});
