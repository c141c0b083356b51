import { expect, it } from 'vitest';

it('meanCi95 uses the t quantile', async () => {
  const { meanCi95 } = await import('./mean-interval');
  const r = meanCi95([1, 2, 3]);
  expect(r.mean).toBe(2);
  expect(r.sd).toBeCloseTo(1, 12);
  expect(r.hi - r.mean).toBeCloseTo(4.303 / Math.sqrt(3), 9);
  expect(Number.isNaN(meanCi95([5]).hi)).toBe(true);
});

it('meanCi95 is mean ± t_{0.975, n−1}·sd/√n (tabulated t for n − 1 ≤ 30, capped at df 30), and rejects an empty sample', async () => {
  const { meanCi95 } = await import('./mean-interval');
  // n = 2: t_{0.975, 1} = 12.706; values 0 and 2: mean 1, sd √2, half-width 12.706·√2/√2 = 12.706.
  const two = meanCi95([0, 2]);
  expect([two.mean, two.n]).toEqual([1, 2]);
  expect(two.sd).toBeCloseTo(Math.SQRT2, 14);
  expect(two.hi - two.mean).toBeCloseTo(12.706, 12);
  expect(two.mean - two.lo).toBeCloseTo(12.706, 12);
  // n = 31 and n = 100 both use df 30 (2.042): the sample 0, 1, ..., n−1 has sd √(n(n+1)/12).
  for (const n of [31, 100]) {
    const v = Array.from({ length: n }, (_, i) => i);
    const r = meanCi95(v);
    const sd = Math.sqrt((n * (n + 1)) / 12);
    expect(r.mean).toBe((n - 1) / 2);
    expect(r.sd).toBeCloseTo(sd, 10);
    expect(r.hi - r.mean).toBeCloseTo((2.042 * sd) / Math.sqrt(n), 10);
  }
  // n = 11: t_{0.975, 10} = 2.228.
  const eleven = meanCi95(Array.from({ length: 11 }, (_, i) => i));
  expect(eleven.hi - eleven.mean).toBeCloseTo((2.228 * Math.sqrt(11)) / Math.sqrt(11), 10);
  const one = meanCi95([5]);
  expect([one.mean, one.n]).toEqual([5, 1]);
  expect(Number.isNaN(one.sd) && Number.isNaN(one.lo)).toBe(true);
  expect(() => meanCi95([])).toThrow('meanCi95: values must not be empty');
});

it('meanNormalCi95 is mean ± 1.96·sd/√n, with a zero half-width for one value', async () => {
  const { meanNormalCi95 } = await import('./mean-interval');
  // 0 and 2: mean 1, sd √2, half-width 1.96·√2/√2 = 1.96.
  const two = meanNormalCi95([0, 2]);
  expect(two.mean).toBe(1);
  expect(two.ci).toBeCloseTo(1.96, 14);
  expect(meanNormalCi95([5])).toEqual({ mean: 5, ci: 0 });
});
