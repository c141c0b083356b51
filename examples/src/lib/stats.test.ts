import { expect, it } from 'vitest';
import { fitLine, mean, sd, sem } from './stats';

it('mean, sample sd (n − 1) and sem by hand; 0 spread for fewer than two values', () => {
  // [2, 4, 4, 4, 5, 5, 7, 9]: mean 5, Σ(x − 5)² = 32, sample variance 32/7.
  const v = [2, 4, 4, 4, 5, 5, 7, 9];
  expect(mean(v)).toBe(5);
  expect(sd(v)).toBeCloseTo(Math.sqrt(32 / 7), 14);
  expect(sem(v)).toBeCloseTo(Math.sqrt(32 / 7) / Math.sqrt(8), 14);
  expect(sd([3])).toBe(0);
  expect(sem([3])).toBe(0);
  expect(sd([])).toBe(0);
  expect(Number.isNaN(mean([]))).toBe(true);
});

it('fitLine: the least-squares line and the slope standard error sqrt(RSS / (n − 2) / Sxx), Infinity for two points', () => {
  // x = [0, 1, 2, 3], y = [1, 2, 2, 4]: b = 0.9, a = 0.9, RSS = 0.7, Sxx = 5, se(b) = sqrt(0.35 / 5).
  const f = fitLine([0, 1, 2, 3], [1, 2, 2, 4]);
  expect(f.slope).toBeCloseTo(0.9, 14);
  expect(f.intercept).toBeCloseTo(0.9, 14);
  expect(f.slopeSe).toBeCloseTo(Math.sqrt(0.07), 14);
  const exact = fitLine([1, 2, 4], [-1, -3, -7]);
  expect(exact.slope).toBeCloseTo(-2, 14);
  expect(exact.intercept).toBeCloseTo(1, 14);
  expect(exact.slopeSe).toBeCloseTo(0, 7);
  const two = fitLine([0, 2], [1, 5]);
  expect([two.slope, two.intercept, two.slopeSe]).toEqual([2, 1, Infinity]);
  // Equal x: Sxx = 0, no line (NaN slope), not an exception.
  expect(Number.isNaN(fitLine([1, 1, 1], [1, 2, 3]).slope)).toBe(true);
});
