import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { fitPowerLaw, interpLogLog, studentT975 } from './powerlaw-fit';
import { createRng } from '@lemma/gpu-kernels';

describe('fitPowerLaw', () => {
  it('recovers an exact power law (slope and prefactor to 1e-10) inside the window only', () => {
    fc.assert(
      fc.property(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: 0.1, max: 10, noNaN: true }), (s, A) => {
        const x = Array.from({ length: 40 }, (_, i) => Math.pow(10, i / 8));
        // Outside [10, 1000] the curve is corrupted: the window must exclude it.
        const y = x.map((v) => (v >= 10 && v <= 1000 ? A * Math.pow(v, s) : 1e6));
        const f = fitPowerLaw(x, y, { xMin: 10, xMax: 1000 });
        expect(Math.abs(f.slope - s)).toBeLessThan(1e-10);
        expect(Math.abs(f.prefactor / A - 1)).toBeLessThan(1e-9);
        expect(f.exponent).toBe(-f.slope);
      }),
      { numRuns: 30 },
    );
  });

  it('95% CIs cover the true slope in about 95% of noisy fits (200 fits, accept 88-99%)', () => {
    const rng = createRng(3);
    let cover = 0;
    for (let k = 0; k < 200; k++) {
      const x = Array.from({ length: 12 }, (_, i) => 1 + i);
      const y = x.map((v) => 2 * Math.pow(v, -1.3) * Math.exp(0.1 * rng.normal()));
      const [lo, hi] = fitPowerLaw(x, y).slopeCI95;
      if (lo <= -1.3 && -1.3 <= hi) cover++;
    }
    // Binomial(200, .95) has sd 3.1 counts: 176..198 is a > 4 sd band.
    expect(cover).toBeGreaterThanOrEqual(176);
    expect(cover).toBeLessThanOrEqual(198);
  });

  it('t quantiles: exact table and the normal limit', () => {
    expect(studentT975(1)).toBeCloseTo(12.706, 3);
    expect(studentT975(10)).toBeCloseTo(2.228, 3);
    expect(studentT975(30)).toBeCloseTo(2.042, 2);
    expect(studentT975(1e6)).toBeCloseTo(1.96, 3);
  });

  it('rejects windows with too few points naming the window', () => {
    expect(() => fitPowerLaw([1, 2, 3], [1, 1, 1], { xMin: 5 })).toThrow(/at least 3 points with x in \[5/);
  });

  it('log-log interpolation is exact on power laws', () => {
    const xs = [1, 10, 100];
    const ys = xs.map((x) => 3 * x ** -0.7);
    expect(interpLogLog(xs, ys, 31.6)).toBeCloseTo(3 * 31.6 ** -0.7, 12);
  });
});
