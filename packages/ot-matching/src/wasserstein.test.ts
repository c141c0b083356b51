import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { wassersteinExact } from './wasserstein';

const arbCloud = fc.record({ n: fc.integer({ min: 1, max: 12 }), d: fc.integer({ min: 1, max: 4 }) }).chain(({ n, d }) =>
  fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: n * d, maxLength: n * d }).map((v) => ({ n, d, data: Float64Array.from(v) })),
);

describe('wassersteinExact', () => {
  test.prop([arbCloud, fc.integer({ min: 0, max: 1000 })], { numRuns: 50 })('is 0 between a cloud and a permutation of it', (x, seed) => {
    const order = Array.from({ length: x.n }, (_, i) => i).sort((i, j) => Math.sin(seed + i * 7.1) - Math.sin(seed + j * 7.1));
    const y = { n: x.n, d: x.d, data: new Float64Array(x.data.length) };
    order.forEach((src, i) => y.data.set(x.data.subarray(src * x.d, (src + 1) * x.d), i * x.d));
    expect(wassersteinExact(x, y).costP).toBeLessThan(1e-12);
  });

  test.prop([arbCloud, fc.double({ min: -3, max: 3, noNaN: true })], { numRuns: 50 })('W2² of a translate is |shift|² · d-independent', (x, c) => {
    const y = { ...x, data: x.data.map((v) => v + c) };
    // Translation: the identity matching is optimal and W2² = d·c² (float64 rounding on values <= 8 is ~1e-14).
    expect(wassersteinExact(x, y).costP).toBeCloseTo(x.d * c * c, 9);
  });

  test.prop([fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 1, maxLength: 15 }), fc.integer({ min: 0, max: 100 })], { numRuns: 50 })(
    'in 1-D, W1 equals the sorted (monotone) matching',
    (xs, seed) => {
      const ys = xs.map((_, i) => Math.sin(seed * 3 + i) * 4);
      const sx = [...xs].sort((a, b) => a - b);
      const sy = [...ys].sort((a, b) => a - b);
      const w1 = sx.reduce((s, v, i) => s + Math.abs(v - sy[i]!), 0) / xs.length;
      const r = wassersteinExact({ n: xs.length, d: 1, data: xs }, { n: ys.length, d: 1, data: ys }, { p: 1 });
      expect(r.distance).toBeCloseTo(w1, 9);
    },
  );

  it('rejects unequal sizes and bad p', () => {
    expect(() => wassersteinExact({ n: 2, d: 1, data: [0, 1] }, { n: 1, d: 1, data: [0] })).toThrow(/same number of points/);
    expect(() => wassersteinExact({ n: 1, d: 1, data: [0] }, { n: 1, d: 1, data: [0] }, { p: 0.5 })).toThrow(/p must be a finite number >= 1/);
  });
});
