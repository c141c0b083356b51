import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { minimizeLbfgs } from './lbfgs';
import { createRng } from '@lemma/gpu-kernels';

describe('L-BFGS', () => {
  it('minimises random convex quadratics to the exact solution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 8 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const rng = createRng(seed);
        const M = rng.normalArray(n * n);
        const H = new Float64Array(n * n); // H = M M^T + I (SPD)
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let s = i === j ? 1 : 0;
          for (let k = 0; k < n; k++) s += M[i * n + k]! * M[j * n + k]!;
          H[i * n + j] = s;
        }
        const c = rng.normalArray(n);
        const res = minimizeLbfgs((x, g) => {
          let f = 0;
          for (let i = 0; i < n; i++) {
            let hx = 0;
            for (let j = 0; j < n; j++) hx += H[i * n + j]! * x[j]!;
            g[i] = hx - c[i]!;
            f += 0.5 * x[i]! * hx - c[i]! * x[i]!;
          }
          return f;
        }, new Float64Array(n), { gradTol: 1e-12, fTol: 0 });
        for (let i = 0; i < n; i++) {
          let hx = 0;
          for (let j = 0; j < n; j++) hx += H[i * n + j]! * res.x[j]!;
          // Gradient tolerance 1e-12 plus rounding in H x (cond(H) * eps * |x|): 1e-7 is a safe bound.
          expect(Math.abs(hx - c[i]!)).toBeLessThan(1e-7);
        }
      }),
      { numRuns: 25 },
    );
  });
});
