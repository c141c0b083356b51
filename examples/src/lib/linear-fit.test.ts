import { expect, it } from 'vitest';
import { olsFit } from './linear-fit';
import { median, quantile } from './quantiles';

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
});

it('quantiles interpolate like NumPy', () => {
  expect(median([3, 1, 2])).toBe(2);
  expect(median([4, 1, 2, 3])).toBe(2.5);
  expect(quantile([1, 2, 3, 4, 5], 0.25)).toBe(2);
  expect(quantile([0, 10], 0.3)).toBeCloseTo(3, 12);
});

it('meanCi95 uses the t quantile', async () => {
  const { meanCi95 } = await import('./mean-interval');
  const r = meanCi95([1, 2, 3]);
  expect(r.mean).toBe(2);
  expect(r.sd).toBeCloseTo(1, 12);
  expect(r.hi - r.mean).toBeCloseTo(4.303 / Math.sqrt(3), 9);
  expect(Number.isNaN(meanCi95([5]).hi)).toBe(true);
});
