/** Tiny dense float64 linear algebra for the Gaussian models (d is small: 1-10). */

/**
 * Cholesky factor L (row-major d×d, lower) of a symmetric PSD matrix. Non-positive pivots (a degenerate,
 * collapsed covariance) are set to 0 so sampling still works; `logDet` is then -Infinity.
 */
export function cholesky(a: Float64Array, d: number): { L: Float64Array; logDet: number } {
  const L = new Float64Array(d * d);
  let logDet = 0;
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j]!;
    for (let k = 0; k < j; k++) s -= L[j * d + k]! ** 2;
    const piv = s > 1e-300 ? Math.sqrt(s) : 0;
    L[j * d + j] = piv;
    logDet += 2 * Math.log(piv);
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j]!;
      for (let k = 0; k < j; k++) t -= L[i * d + k]! * L[j * d + k]!;
      L[i * d + j] = piv > 0 ? t / piv : 0;
    }
  }
  return { L, logDet };
}

/** Squared Mahalanobis norm |L^{-1} v|² by forward substitution. */
export function mahalanobisSq(L: Float64Array, d: number, v: Float64Array): number {
  const y = new Float64Array(d);
  let s = 0;
  for (let i = 0; i < d; i++) {
    let t = v[i]!;
    for (let k = 0; k < i; k++) t -= L[i * d + k]! * y[k]!;
    y[i] = t / L[i * d + i]!;
    s += y[i]! ** 2;
  }
  return s;
}

/** out = mean + L z for each standard-normal row z (all row-major). */
export function affineRows(mean: Float64Array, L: Float64Array, d: number, z: Float64Array, out: Float64Array, offset = 0): void {
  const n = z.length / d;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < d; i++) {
      let s = mean[i]!;
      for (let k = 0; k <= i; k++) s += L[i * d + k]! * z[r * d + k]!;
      out[offset + r * d + i] = s;
    }
  }
}
