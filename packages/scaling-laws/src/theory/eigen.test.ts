import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { arbMatrix } from '@lemma/gpu-kernels/testing';
import { symmetricEigen } from './eigen';
import { buildPlrfMatrices } from './plrf';

/** Symmetrise a random matrix: S = (M + M^T) / 2. */
function sym(data: Float64Array, n: number): Float64Array {
  const s = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s[i * n + j] = 0.5 * (data[i * n + j]! + data[j * n + i]!);
  return s;
}

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(l) V^T and V is orthogonal (float64, 1e-10 scaled)', () => {
    fc.assert(
      fc.property(arbMatrix({ minRows: 1, maxRows: 24, minCols: 24, maxCols: 24, scale: 3 }), (m) => {
        const n = m.rows;
        const a = sym(m.data, n); // rows*24 >= n*n entries
        const { values, vectors: V } = symmetricEigen(a, n);
        let norm = 0;
        for (const x of a) norm = Math.max(norm, Math.abs(x));
        // Backward-stable QL: residual ~ n * eps * ||A||; 1e-10 leaves a wide margin at n <= 24.
        const tol = 1e-10 * Math.max(1, norm);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
          let r = 0;
          let o = 0;
          for (let k = 0; k < n; k++) {
            r += V[i * n + k]! * values[k]! * V[j * n + k]!;
            o += V[k * n + i]! * V[k * n + j]!;
          }
          expect(Math.abs(r - a[i * n + j]!)).toBeLessThan(tol);
          expect(Math.abs(o - (i === j ? 1 : 0))).toBeLessThan(1e-12 * n);
        }
        for (let k = 1; k < n; k++) expect(values[k]!).toBeGreaterThanOrEqual(values[k - 1]!);
      }),
      { numRuns: 30 },
    );
  });

  it('is accurate on an ill-conditioned PLRF K at d = 150 (residual and orthogonality ~ n eps ||K||)', () => {
    const d = 150;
    const { K } = buildPlrfMatrices({ alpha: 1, beta: 0.7, d, seed: 2 });
    const { values, vectors: V } = symmetricEigen(K, d);
    const top = values[d - 1]!;
    let res = 0;
    let orth = 0;
    for (let k = 0; k < d; k += 7) {
      for (let i = 0; i < d; i++) {
        let kv = 0;
        for (let j = 0; j < d; j++) kv += K[i * d + j]! * V[j * d + k]!;
        res = Math.max(res, Math.abs(kv - values[k]! * V[i * d + k]!));
      }
      for (let m = 0; m < d; m += 11) {
        let o = 0;
        for (let i = 0; i < d; i++) o += V[i * d + k]! * V[i * d + m]!;
        orth = Math.max(orth, Math.abs(o - (k === m ? 1 : 0)));
      }
    }
    // Backward error of QL is O(n eps ||K||); 1e-12 ||K|| is ~30x that bound at n = 150.
    expect(res).toBeLessThan(1e-12 * top);
    expect(orth).toBeLessThan(1e-12);
    expect(values[0]!).toBeGreaterThan(0);
  });

  it('handles diagonal, repeated and zero eigenvalues', () => {
    const a = new Float64Array([2, 0, 0, 0, 0, 0, 0, 0, 2]);
    const { values } = symmetricEigen(a, 3);
    expect(Array.from(values)).toEqual([0, 2, 2]);
  });

  it('rejects non-finite input naming the argument', () => {
    expect(() => symmetricEigen(new Float64Array([1, NaN, NaN, 1]), 2)).toThrow(/a must be finite/);
    expect(() => symmetricEigen(new Float64Array(3), 2)).toThrow(/length n\*n = 4, got 3/);
  });
});
