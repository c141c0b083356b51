import { expect, it } from 'vitest';
import { olsFit } from './linear-fit';

it('olsFit recovers an exact line and matches textbook standard errors', () => {
  const exact = olsFit([0, 1, 2, 3], [1, 3, 5, 7]);
  expect(exact.slope).toBeCloseTo(2, 12);
  expect(exact.intercept).toBeCloseTo(1, 12);
  expect(exact.r2).toBeCloseTo(1, 12);
  expect(exact.slopeSe).toBeCloseTo(0, 12);
  // y = [1, 2, 2, 4] on x = [0, 1, 2, 3]: b = 0.9, a = 0.9, RSS = 0.7, s² = 0.35, Sxx = 5, se(b) = sqrt(0.07).
  const f = olsFit([0, 1, 2, 3], [1, 2, 2, 4]);
  expect(f.slope).toBeCloseTo(0.9, 12);
  expect(f.intercept).toBeCloseTo(0.9, 12);
  expect(f.slopeSe).toBeCloseTo(Math.sqrt(0.07), 12);
  expect(f.r2).toBeCloseTo(1 - 0.7 / 4.75, 12);
  expect(() => olsFit([1, 1], [1, 2])).toThrow(/two distinct/);
  expect(() => olsFit([0], [1])).toThrow(/length >= 2/);
});

it('olsFit: an exact decreasing line has zero residual, two points give the line with NaN standard errors', () => {
  const exact = olsFit([1, 2, 4], [-1, -3, -7]);
  expect(exact.slope).toBeCloseTo(-2, 14);
  expect(exact.intercept).toBeCloseTo(1, 14);
  expect(exact.slopeSe).toBeCloseTo(0, 7);
  const two = olsFit([0, 2], [1, 5]);
  expect([two.slope, two.intercept, two.n]).toEqual([2, 1, 2]);
  expect(Number.isNaN(two.slopeSe) && Number.isNaN(two.interceptSe)).toBe(true);
});
