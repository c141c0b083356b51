import { expect, it } from 'vitest';
import { mean, sd, sem } from './stats';

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
  // Typed arrays too (summed in float64, left to right).
  expect(mean(Float32Array.of(0.5, 1.5, 4))).toBe(2);
});
