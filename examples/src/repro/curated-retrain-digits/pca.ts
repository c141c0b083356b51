/** PCA of the digits in float64: the generator's space (a Gaussian mixture lives on the top `dim` coordinates). */
import { symmetricEigen } from '@lemma/scaling-laws';

/** A PCA basis: mean [784], components row-major [dim, 784] (unit rows), and their variances. */
export interface PcaBasis {
  dim: number;
  mean: Float64Array;
  components: Float64Array;
  variances: Float64Array;
}

const P = 784;

/** Fits the top-`dim` principal directions of images x [n, 784] (covariance of the first `maxRows` rows). */
export function fitPca(x: Float32Array, dim: number, maxRows = 3000): PcaBasis {
  const n = Math.min(x.length / P, maxRows);
  const mean = new Float64Array(P);
  for (let i = 0; i < n; i++) for (let j = 0; j < P; j++) mean[j]! += x[i * P + j]! / n;
  const cov = new Float64Array(P * P);
  const row = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < P; j++) row[j] = x[i * P + j]! - mean[j]!;
    for (let a = 0; a < P; a++) {
      const ra = row[a]!;
      if (ra === 0) continue;
      for (let b = 0; b <= a; b++) cov[a * P + b]! += ra * row[b]!;
    }
  }
  for (let a = 0; a < P; a++) for (let b = 0; b <= a; b++) cov[b * P + a] = cov[a * P + b] = cov[a * P + b]! / n;
  const eig = symmetricEigen(cov, P);
  const components = new Float64Array(dim * P);
  const variances = new Float64Array(dim);
  for (let k = 0; k < dim; k++) {
    const col = P - 1 - k; // eigenvalues ascend
    variances[k] = eig.values[col]!;
    for (let j = 0; j < P; j++) components[k * P + j] = eig.vectors[j * P + col]!;
  }
  return { dim, mean, components, variances };
}

/** Coordinates z = (x - mean) Vᵀ of images [n, 784] → [n, dim]. */
export function project(b: PcaBasis, x: Float32Array): Float64Array {
  const n = x.length / P;
  const out = new Float64Array(n * b.dim);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < b.dim; k++) {
      let s = 0;
      for (let j = 0; j < P; j++) s += (x[i * P + j]! - b.mean[j]!) * b.components[k * P + j]!;
      out[i * b.dim + k] = s;
    }
  }
  return out;
}

/** Images mean + z V [n, 784] from coordinates [n, dim], clipped to the pixel range [0, 1]. */
export function reconstruct(b: PcaBasis, z: ArrayLike<number>): Float32Array {
  const n = z.length / b.dim;
  const out = new Float32Array(n * P);
  const acc = new Float64Array(P);
  for (let i = 0; i < n; i++) {
    acc.set(b.mean);
    for (let k = 0; k < b.dim; k++) {
      const c = z[i * b.dim + k]!;
      for (let j = 0; j < P; j++) acc[j]! += c * b.components[k * P + j]!;
    }
    for (let j = 0; j < P; j++) out[i * P + j] = Math.min(1, Math.max(0, acc[j]!));
  }
  return out;
}
