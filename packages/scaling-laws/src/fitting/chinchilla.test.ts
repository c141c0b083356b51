import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { bootstrapChinchilla, chinchillaLoss, chinchillaOptimalAllocation, EPOCH_CHINCHILLA, fitChinchilla, projectLinear } from './chinchilla';
import { createRng } from '@lemma/gpu-kernels';

/** A 16 x 15 grid spanning Chinchilla's range (N 4e7..1.6e10, D 1e9..1e12), like Epoch's 245 points. */
function surface(noise: number, seed: number) {
  const rng = createRng(seed);
  const N: number[] = [], D: number[] = [], L: number[] = [];
  for (let i = 0; i < 16; i++) for (let j = 0; j < 15; j++) {
    const n = 4e7 * Math.pow(400, i / 15), dd = 1e9 * Math.pow(1000, j / 14);
    N.push(n);
    D.push(dd);
    L.push(chinchillaLoss(EPOCH_CHINCHILLA, n, dd) * Math.exp(noise * rng.normal()));
  }
  return { N, D, L };
}

describe('Chinchilla fit (Epoch AI anchor)', () => {
  it('recovers Epoch constants exactly with zero noise', () => {
    const f = fitChinchilla(surface(0, 1));
    expect(Math.abs(f.a - EPOCH_CHINCHILLA.a)).toBeLessThan(1e-4);
    expect(Math.abs(f.b - EPOCH_CHINCHILLA.b)).toBeLessThan(1e-4);
    expect(Math.abs(f.E / EPOCH_CHINCHILLA.E - 1)).toBeLessThan(1e-3);
  });

  it('recovers a and b within +-0.03 with 1% log noise (4 noise seeds)', () => {
    for (const seed of [2, 3, 4, 5]) {
      const f = fitChinchilla(surface(0.01, seed));
      expect(Math.abs(f.a - EPOCH_CHINCHILLA.a)).toBeLessThan(0.03);
      expect(Math.abs(f.b - EPOCH_CHINCHILLA.b)).toBeLessThan(0.03);
    }
  });

  it('bootstrap intervals contain the truth and are ordered', () => {
    const bs = bootstrapChinchilla(surface(0.01, 5), { seed: 7, resamples: 25 });
    for (const k of ['a', 'b'] as const) {
      const [lo, hi] = bs.intervals[k];
      expect(lo).toBeLessThanOrEqual(hi);
      // 95% interval with 25 resamples: allow the truth within the interval widened by 0.02.
      expect(EPOCH_CHINCHILLA[k]).toBeGreaterThan(lo - 0.02);
      expect(EPOCH_CHINCHILLA[k]).toBeLessThan(hi + 0.02);
    }
  });

  it('variable projection returns the exact linear coefficients at the true exponents', () => {
    const o = surface(0, 1);
    const p = projectLinear(o, EPOCH_CHINCHILLA.a, EPOCH_CHINCHILLA.b);
    expect(p.E).toBeCloseTo(EPOCH_CHINCHILLA.E, 6);
    expect(p.A / EPOCH_CHINCHILLA.A).toBeCloseTo(1, 6);
    expect(p.B / EPOCH_CHINCHILLA.B).toBeCloseTo(1, 6);
  });

  it('compute-optimal allocation satisfies C = 6ND and minimises L on the isoFLOP line', () => {
    const C = 5.76e23;
    const opt = chinchillaOptimalAllocation(EPOCH_CHINCHILLA, C);
    expect(6 * opt.N * opt.D / C).toBeCloseTo(1, 10);
    // Epoch's fit implies ~20 tokens per parameter at Chinchilla scale (their reported 20.4 +- few).
    expect(opt.tokensPerParam).toBeGreaterThan(15);
    expect(opt.tokensPerParam).toBeLessThan(35);
    for (const s of [0.9, 1.1]) {
      const N = opt.N * s;
      expect(chinchillaLoss(EPOCH_CHINCHILLA, N, C / (6 * N))).toBeGreaterThan(opt.loss);
    }
  });

  it('rejects non-positive losses naming the argument', () => {
    expect(() => fitChinchilla({ N: [1, 2, 3, 4, 5], D: [1, 2, 3, 4, 5], L: [1, 2, -3, 4, 5] })).toThrow(/fitChinchilla: obs.L\[2\] must be a finite number > 0, got -3/);
  });
});
