/**
 * Fréchet distance between Gaussians fitted to two feature sets (the FID formula, in any feature space):
 * |μ₁ − μ₂|² + tr(Σ₁ + Σ₂ − 2 (Σ₁^{1/2} Σ₂ Σ₁^{1/2})^{1/2}), in float64 via two symmetric eigendecompositions.
 */
import { symmetricEigen } from '@lemma/scaling-laws';

function moments(x: ArrayLike<number>, d: number): { mean: Float64Array; cov: Float64Array } {
  const n = x.length / d;
  if (!Number.isInteger(n) || n < 2) throw new Error(`frechetDistance: need at least 2 rows of width ${d}, got length ${x.length}`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += x[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = x[i * d + a]! - mean[a]!;
      for (let b = 0; b <= a; b++) cov[a * d + b]! += (da * (x[i * d + b]! - mean[b]!)) / (n - 1);
    }
  }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[b * d + a] = cov[a * d + b]!;
  return { mean, cov };
}

/** Symmetric PSD square root V diag(√max(λ, 0)) Vᵀ. */
function sqrtPsd(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(values[k]!, 0));
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) out[i * d + j]! += s * vectors[i * d + k]! * vectors[j * d + k]!;
  }
  return out;
}

/** Fréchet distance between rows of `a` and `b` (row-major, width `d`). */
export function frechetDistance(a: ArrayLike<number>, b: ArrayLike<number>, d: number): number {
  const A = moments(a, d);
  const B = moments(b, d);
  const s1 = sqrtPsd(A.cov, d);
  // M = Σ₁^{1/2} Σ₂ Σ₁^{1/2} is symmetric PSD and tr √M = tr √(Σ₁Σ₂).
  const t = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) t[i * d + j]! += s1[i * d + k]! * B.cov[k * d + j]!;
  const m = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) m[i * d + j]! += t[i * d + k]! * s1[k * d + j]!;
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) m[i * d + j] = m[j * d + i] = 0.5 * (m[i * d + j]! + m[j * d + i]!);
  const { values } = symmetricEigen(m, d);
  let trSqrt = 0;
  for (const v of values) trSqrt += Math.sqrt(Math.max(v, 0));
  let dm = 0;
  let tr = 0;
  for (let j = 0; j < d; j++) {
    dm += (A.mean[j]! - B.mean[j]!) ** 2;
    tr += A.cov[j * d + j]! + B.cov[j * d + j]!;
  }
  return Math.max(0, dm + tr - 2 * trSqrt);
}
