import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { buildPlrfMatrices, plrfDenseRisk, plrfReducedRisk, plrfSpectrum, samplePlrfW } from './plrf';
import { createRng } from '@lemma/gpu-kernels';

describe('PLRF reduction', () => {
  it('1/2||D^1/2(W theta - b)||^2 = 1/2 (theta-theta*)^T K (theta-theta*) + P_inf (1e-9 relative, float64)', () => {
    fc.assert(
      fc.property(
        fc.record({
          alpha: fc.double({ min: 0.3, max: 1.5, noNaN: true }),
          beta: fc.double({ min: 0.2, max: 1.5, noNaN: true }),
          d: fc.integer({ min: 2, max: 12 }),
          seed: fc.integer({ min: 0, max: 1e6 }),
          scale: fc.double({ min: 0, max: 3, noNaN: true }),
        }),
        ({ alpha, beta, d, seed, scale }) => {
          const opts = { alpha, beta, d, seed };
          const m = buildPlrfMatrices(opts);
          const s = plrfSpectrum(m);
          const W = samplePlrfW(opts);
          const theta = createRng(seed + 1).normalArray(d).map((x) => x * scale);
          const dense = plrfDenseRisk(W, theta, alpha, beta);
          const reduced = plrfReducedRisk(m, s, theta);
          // Cancellation in P_inf = 1/2(bDb - c^T K^-1 c) loses ~cond(K)*eps relative to bDb: 1e-9 is safe at d <= 12.
          expect(Math.abs(dense - reduced)).toBeLessThan(1e-9 * Math.max(1, m.bDb));
          // theta* minimises the risk: its value is P_inf.
          expect(Math.abs(plrfDenseRisk(W, s.thetaStar, alpha, beta) - s.pInf)).toBeLessThan(1e-9 * m.bDb);
          expect(s.pInf).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('streams K = W^T D W exactly as the dense product', () => {
    const opts = { alpha: 1, beta: 0.7, d: 5, seed: 3, v: 40 };
    const m = buildPlrfMatrices(opts);
    const W = samplePlrfW(opts);
    for (let i = 0; i < 5; i++) for (let k = 0; k < 5; k++) {
      let s = 0;
      for (let j = 0; j < 40; j++) s += Math.pow(j + 1, -2) * W[j * 5 + i]! * W[j * 5 + k]!;
      expect(m.K[i * 5 + k]).toBeCloseTo(s, 12);
    }
  });

  it('rejects bad inputs naming the argument', () => {
    expect(() => buildPlrfMatrices({ alpha: -1, beta: 1, d: 4, seed: 0 })).toThrow(/alpha must be a finite number > 0, got -1/);
    expect(() => buildPlrfMatrices({ alpha: 1, beta: 1, d: 4, v: 4, seed: 0 })).toThrow(/v must be > d/);
  });
});
