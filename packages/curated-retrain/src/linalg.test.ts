import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { affineRows, cholesky, mahalanobisSq } from './linalg';

/** A = M Mᵀ + I (d x d, row-major): symmetric positive definite with eigenvalues >= 1. */
const arbSpd = fc.integer({ min: 1, max: 6 }).chain((d) =>
  fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: d * d, maxLength: d * d }).map((m) => {
    const A = new Float64Array(d * d);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = i === j ? 1 : 0;
        for (let k = 0; k < d; k++) s += m[i * d + k]! * m[j * d + k]!;
        A[i * d + j] = s;
      }
    return { d, A };
  }),
);

/** Solves A x = b by Gaussian elimination with partial pivoting; also returns log |det A|. */
function solveRef(A: Float64Array, d: number, b: Float64Array): { x: Float64Array; logDet: number } {
  const a = Float64Array.from(A);
  const x = Float64Array.from(b);
  let logDet = 0;
  for (let c = 0; c < d; c++) {
    let p = c;
    for (let r = c + 1; r < d; r++) if (Math.abs(a[r * d + c]!) > Math.abs(a[p * d + c]!)) p = r;
    for (let k = 0; k < d; k++) [a[c * d + k], a[p * d + k]] = [a[p * d + k]!, a[c * d + k]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    logDet += Math.log(Math.abs(a[c * d + c]!));
    for (let r = c + 1; r < d; r++) {
      const f = a[r * d + c]! / a[c * d + c]!;
      for (let k = c; k < d; k++) a[r * d + k] = a[r * d + k]! - f * a[c * d + k]!;
      x[r] = x[r]! - f * x[c]!;
    }
  }
  for (let r = d - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < d; k++) s -= a[r * d + k]! * x[k]!;
    x[r] = s / a[r * d + r]!;
  }
  return { x, logDet };
}

/** max_ij |A_ij|. */
const maxAbs = (A: Float64Array): number => A.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('cholesky', () => {
  test.prop([arbSpd], { numRuns: 100 })('gives a lower-triangular L with L Lᵀ = A and log det A (vs elimination)', ({ d, A }) => {
    const { L, logDet } = cholesky(A, d);
    for (let i = 0; i < d; i++) {
      expect(L[i * d + i]!).toBeGreaterThan(0);
      for (let j = i + 1; j < d; j++) expect(L[i * d + j]).toBe(0);
    }
    const scale = maxAbs(A);
    for (let i = 0; i < d; i++)
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += L[i * d + k]! * L[j * d + k]!;
        // Cholesky is backward stable: |L Lᵀ - A| <= ~d eps ||A||; 1e-13 ||A|| covers d <= 6 with margin.
        expect(Math.abs(s - A[i * d + j]!)).toBeLessThanOrEqual(1e-13 * scale);
      }
    // Eigenvalues in [1, 145] (|M_ij| <= 2, d <= 6): cond <= 145, so the log-determinants agree to ~1e-13; 1e-10 is safe.
    expect(Math.abs(logDet - solveRef(A, d, new Float64Array(d)).logDet)).toBeLessThan(1e-10);
  });

  it('sets the pivots of a singular PSD matrix to 0 (logDet -Infinity) and still factors it', () => {
    // A = v vᵀ with v = (1, 2, 3): exact in float64, so the later pivots are exactly 0.
    const v = [1, 2, 3];
    const A = Float64Array.from({ length: 9 }, (_, k) => v[Math.floor(k / 3)]! * v[k % 3]!);
    const { L, logDet } = cholesky(A, 3);
    expect(logDet).toBe(-Infinity);
    expect(Array.from(L)).toEqual([1, 0, 0, 2, 0, 0, 3, 0, 0]);
    const zero = cholesky(new Float64Array(4), 2);
    expect(Array.from(zero.L)).toEqual([0, 0, 0, 0]);
    expect(zero.logDet).toBe(-Infinity);
  });

  it('is the square root on a diagonal matrix', () => {
    const { L, logDet } = cholesky(Float64Array.from([4, 0, 0, 9]), 2);
    expect(Array.from(L)).toEqual([2, 0, 0, 3]);
    expect(logDet).toBeCloseTo(Math.log(36), 14);
  });
});

describe('mahalanobisSq', () => {
  test.prop([arbSpd.chain(({ d, A }) => fc.tuple(fc.constant(d), fc.constant(A), fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: d, maxLength: d })))], { numRuns: 100 })(
    'equals vᵀ A⁻¹ v with A = L Lᵀ (vs Gaussian elimination)',
    ([d, A, vs]) => {
      const v = Float64Array.from(vs);
      const { L } = cholesky(A, d);
      const { x } = solveRef(A, d, v);
      let ref = 0;
      for (let i = 0; i < d; i++) ref += v[i]! * x[i]!;
      // cond(A) <= 145 amplifies eps to ~3e-14: 1e-11 relative (plus a tiny absolute floor for v ~ 0) is safe.
      expect(Math.abs(mahalanobisSq(L, d, v) - ref)).toBeLessThanOrEqual(1e-11 * ref + 1e-14);
    },
  );

  it('is |v|² / sigma² in one dimension', () => {
    expect(mahalanobisSq(Float64Array.of(2), 1, Float64Array.of(3))).toBe(2.25);
  });
});

describe('affineRows', () => {
  test.prop([arbSpd, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 4 })], { numRuns: 60 })(
    'writes mean + L z for each row at the offset and touches nothing else',
    ({ d, A }, rows, offset) => {
      const { L } = cholesky(A, d);
      const mean = Float64Array.from({ length: d }, (_, i) => i - 1.5);
      const z = Float64Array.from({ length: rows * d }, (_, k) => Math.sin(k + 1));
      const out = new Float64Array(offset + rows * d + 2).fill(-7);
      affineRows(mean, L, d, z, out, offset);
      for (let k = 0; k < offset; k++) expect(out[k]).toBe(-7);
      for (let k = offset + rows * d; k < out.length; k++) expect(out[k]).toBe(-7);
      for (let r = 0; r < rows; r++)
        for (let i = 0; i < d; i++) {
          let s = mean[i]!;
          for (let k = 0; k < d; k++) s += L[i * d + k]! * z[r * d + k]!;
          // Same products in the same order plus exact zeros from the upper triangle: a few ulps at most.
          expect(Math.abs(out[offset + r * d + i]! - s)).toBeLessThanOrEqual(4 * Number.EPSILON * (Math.abs(s) + d * maxAbs(L)));
        }
    },
  );
});
