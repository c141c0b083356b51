import type { PairwiseKind } from './kernel';

/**
 * float64 reference: out[b,i,j] = Σ_k (x[b,i,k] − y[b,j,k])² ('sqdist', summed directly so there is no
 * cancellation) or Σ_k x[b,i,k]·y[b,j,k] ('inner').
 */
export function pairwiseReference(
  kind: PairwiseKind,
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  batch: number,
  n: number,
  m: number,
  d: number,
): Float64Array {
  const out = new Float64Array(batch * n * m);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) {
          const xv = x[(b * n + i) * d + k]!;
          const yv = y[(b * m + j) * d + k]!;
          s += kind === 'sqdist' ? (xv - yv) * (xv - yv) : xv * yv;
        }
        out[(b * n + i) * m + j] = s;
      }
    }
  }
  return out;
}
