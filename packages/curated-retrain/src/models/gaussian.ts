/** Multivariate Gaussian with full covariance: MLE (1/n) or unbiased (1/(n-1)) covariance. */
import type { Rng } from '@lemma/gpu-kernels';
import { describeType, expectArrayLike, expectFiniteValues, expectInteger, expectOptions, expectRng } from '@lemma/gpu-kernels/validate';
import { affineRows, cholesky, mahalanobisSq } from '../linalg';
import type { GenerativeModel } from '../model';
import { checkSampleCount, checkSamples, type Samples } from '../samples';

/** Largest dimension (a d×d covariance and an O(d³) Cholesky factor per fit). */
const MAX_GAUSSIAN_DIM = 1024;

/** True when L Lᵀ reproduces `a` (relative 1e-8 of its largest diagonal entry): the PSD test cholesky cannot fail. */
function isFactorOf(L: Float64Array, a: Float64Array, d: number): boolean {
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, Math.abs(a[i * d + i]!));
  const tol = 1e-8 * (scale || 1);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k <= j; k++) s += L[i * d + k]! * L[j * d + k]!;
      if (Math.abs(s - a[i * d + j]!) > tol) return false;
    }
  }
  return true;
}

/** Which covariance estimator `fit` uses. */
export type VarianceEstimator = 'mle' | 'unbiased';

/** A Gaussian model; `mean` and `covariance` (row-major d×d) are copies of the current parameters. */
export interface GaussianModel extends GenerativeModel {
  readonly mean: Float64Array;
  readonly covariance: Float64Array;
  fit(samples: Samples): void;
  sample(n: number, rng: Rng): Samples;
  logProb(x: Samples): Float64Array;
}

/** Options of {@link gaussianModel}. */
export interface GaussianModelOptions {
  dim: number;
  /** 'mle' (default): divide by n, E[σ²_t] = ((n-1)/n)^t σ²_0 under refitting; 'unbiased': divide by n-1 (a martingale that still collapses a.s.; notes §4 [D], cf. Shumailov et al. Thm 3.1). */
  variance?: VarianceEstimator;
  /** Initial mean (default 0). */
  mean?: ArrayLike<number>;
  /** Initial covariance, row-major d×d (default identity). */
  covariance?: ArrayLike<number>;
}

/**
 * A Gaussian fitted by moment matching.
 *
 * @example
 * const g = gaussianModel({ dim: 1, variance: 'mle' });
 * g.fit(toSamples([0.1, -0.4, 1.2], 1));
 */
export function gaussianModel(options: GaussianModelOptions): GaussianModel {
  const fn = 'gaussianModel';
  expectOptions(fn, 'options', options, ['dim', 'variance', 'mean', 'covariance'], { required: true, describe: describeType });
  const d = expectInteger(fn, 'dim', options.dim, { min: 1, max: MAX_GAUSSIAN_DIM, expected: `an integer in [1, ${MAX_GAUSSIAN_DIM}] (the Cholesky factor costs dim³)`, describe: describeType });
  const est = options.variance ?? 'mle';
  if (est !== 'mle' && est !== 'unbiased') throw new Error(`${fn}: variance must be 'mle' or 'unbiased', got ${String(est)}`);
  let mean = options.mean ? Float64Array.from(expectArrayLike(fn, 'mean', options.mean, { describe: describeType })) : new Float64Array(d);
  let cov = options.covariance ? Float64Array.from(expectArrayLike(fn, 'covariance', options.covariance, { describe: describeType })) : Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? 1 : 0));
  if (mean.length !== d) throw new Error(`${fn}: mean must have length dim=${d}, got ${mean.length}`);
  if (cov.length !== d * d) throw new Error(`${fn}: covariance must have length dim²=${d * d}, got ${cov.length}`);
  expectFiniteValues(fn, 'mean', mean);
  expectFiniteValues(fn, 'covariance', cov);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) {
      if (Math.abs(cov[i * d + j]! - cov[j * d + i]!) > 1e-9 * (Math.abs(cov[i * d + j]!) + 1)) throw new Error(`${fn}: covariance must be symmetric, got entries (${i},${j}) = ${cov[i * d + j]} and (${j},${i}) = ${cov[j * d + i]}`);
    }
    if (!(cov[i * d + i]! >= 0)) throw new Error(`${fn}: covariance must be positive semi-definite, got diagonal entry ${cov[i * d + i]} at ${i}`);
  }
  let chol = cholesky(cov, d);
  // The diagonal test above misses an indefinite matrix; cholesky then zeroes a negative pivot and samples garbage.
  if (!isFactorOf(chol.L, cov, d)) throw new Error(`${fn}: covariance must be positive semi-definite, got a matrix with a negative eigenvalue`);
  return {
    dim: d,
    get mean() {
      return Float64Array.from(mean);
    },
    get covariance() {
      return Float64Array.from(cov);
    },
    fit(s: Samples) {
      checkSamples('gaussianModel.fit', 'samples', s, d);
      if (est === 'unbiased' && s.n < 2) throw new Error(`gaussianModel.fit: the unbiased estimator needs n >= 2 samples, got n = ${s.n}`);
      const m = new Float64Array(d);
      for (let i = 0; i < s.n; i++) for (let j = 0; j < d; j++) m[j]! += s.data[i * d + j]! / s.n;
      const c = new Float64Array(d * d);
      const denom = est === 'mle' ? s.n : s.n - 1;
      for (let i = 0; i < s.n; i++) {
        for (let a = 0; a < d; a++) {
          const da = s.data[i * d + a]! - m[a]!;
          for (let b = 0; b <= a; b++) c[a * d + b]! += (da * (s.data[i * d + b]! - m[b]!)) / denom;
        }
      }
      for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) c[b * d + a] = c[a * d + b]!;
      mean = m;
      cov = c;
      chol = cholesky(cov, d);
    },
    sample(n: number, rng: Rng) {
      checkSampleCount('gaussianModel.sample', 'n', n, d);
      expectRng('gaussianModel.sample', 'rng', rng, { describe: describeType });
      const out = new Float64Array(n * d);
      affineRows(mean, chol.L, d, rng.normalArray(n * d), out);
      return { n, dim: d, data: out };
    },
    logProb(x: Samples) {
      checkSamples('gaussianModel.logProb', 'x', x, d, true);
      const out = new Float64Array(x.n);
      const v = new Float64Array(d);
      for (let i = 0; i < x.n; i++) {
        for (let j = 0; j < d; j++) v[j] = x.data[i * d + j]! - mean[j]!;
        out[i] = -0.5 * (d * Math.log(2 * Math.PI) + chol.logDet + mahalanobisSq(chol.L, d, v));
      }
      return out;
    },
  };
}
