/** Gaussian mixture fitted by EM (standard, Dempster et al. 1977; full covariances), warm-started from its current parameters on every refit. */
import { createRng, type Rng } from '@lemma/gpu-kernels';
import { describeType, expectInteger, expectNumber, expectOptions, expectRng, expectSeed } from '@lemma/gpu-kernels/validate';
import { affineRows, cholesky, mahalanobisSq } from '../linalg';
import type { GenerativeModel } from '../model';
import { checkSampleCount, checkSamples, type Samples } from '../samples';

/** A Gaussian mixture; the getters return copies of the current parameters. */
export interface GaussianMixtureModel extends GenerativeModel {
  readonly weights: Float64Array;
  /** Component means, row-major [components, dim]. */
  readonly means: Float64Array;
  /** Component covariances, [components, dim, dim]. */
  readonly covariances: Float64Array;
  fit(samples: Samples): void;
  sample(n: number, rng: Rng): Samples;
  logProb(x: Samples): Float64Array;
}

/** Options of {@link gaussianMixtureModel}. */
export interface GaussianMixtureOptions {
  dim: number;
  components: number;
  /** Maximum EM iterations per `fit` (default 100). */
  emIterations?: number;
  /** Stop when the mean log-likelihood improves by less than this (default 1e-6). */
  tolerance?: number;
  /** Added to each covariance diagonal (default 1e-6) so a collapsing component stays invertible. */
  regularization?: number;
  /** Seed of the initialisation (means picked k-means++-style from the first fit's data). */
  seed: number;
}

/**
 * A Gaussian mixture model. The first `fit` initialises by k-means++ seeding; later fits continue EM from the
 * current parameters (the natural choice for retraining, and it keeps component identities stable).
 *
 * @example
 * const gmm = gaussianMixtureModel({ dim: 2, components: 8, seed: 1 });
 * gmm.fit(data);
 */
export function gaussianMixtureModel(options: GaussianMixtureOptions): GaussianMixtureModel {
  const fn = 'gaussianMixtureModel';
  expectOptions(fn, 'options', options, ['dim', 'components', 'emIterations', 'tolerance', 'regularization', 'seed'], { required: true, describe: describeType });
  const d = expectInteger(fn, 'dim', options.dim, { min: 1, max: 1024, expected: 'an integer in [1, 1024] (each component keeps a dim×dim covariance)', describe: describeType });
  const maxM = Math.max(1, Math.floor(2 ** 24 / (d * d)));
  const M = expectInteger(fn, 'components', options.components, { min: 1, max: maxM, expected: `an integer in [1, ${maxM}] (components × dim² = components × ${d * d} covariance entries must stay <= 2^24)`, describe: describeType });
  // With tolerance 0, EM runs every iteration (the likelihood never decreases): a cap, not a hang.
  const maxIt = expectInteger(fn, 'emIterations', options.emIterations ?? 100, { min: 1, max: 100_000, expected: 'an integer in [1, 100000] (EM iterations per fit)', describe: describeType });
  const tol = expectNumber(fn, 'tolerance', options.tolerance ?? 1e-6, { min: 0, describe: describeType });
  const reg = expectNumber(fn, 'regularization', options.regularization ?? 1e-6, { min: 0, describe: describeType });
  const initRng: Rng = createRng(expectSeed(fn, 'seed', options.seed));
  let weights = new Float64Array(M).fill(1 / M);
  let means = new Float64Array(M * d);
  let covs = new Float64Array(M * d * d);
  for (let m = 0; m < M; m++) for (let j = 0; j < d; j++) covs[m * d * d + j * d + j] = 1;
  let initialised = false;
  let chols = Array.from({ length: M }, (_, m) => cholesky(covs.subarray(m * d * d, (m + 1) * d * d), d));

  const refreshChols = (): void => {
    chols = Array.from({ length: M }, (_, m) => cholesky(covs.subarray(m * d * d, (m + 1) * d * d), d));
  };

  /** log w_m + log N(x | μ_m, Σ_m) for every point and component: [n, M]. */
  const jointLog = (x: Samples): Float64Array => {
    const out = new Float64Array(x.n * M);
    const v = new Float64Array(d);
    for (let m = 0; m < M; m++) {
      const c = chols[m]!;
      const base = Math.log(weights[m]!) - 0.5 * (d * Math.log(2 * Math.PI) + c.logDet);
      for (let i = 0; i < x.n; i++) {
        for (let j = 0; j < d; j++) v[j] = x.data[i * d + j]! - means[m * d + j]!;
        out[i * M + m] = weights[m]! > 0 ? base - 0.5 * mahalanobisSq(c.L, d, v) : -Infinity;
      }
    }
    return out;
  };

  const kmeansPlusPlus = (x: Samples): void => {
    const dist = new Float64Array(x.n).fill(Infinity);
    let pick = initRng.int(x.n);
    for (let m = 0; m < M; m++) {
      means.set(x.data.subarray(pick * d, pick * d + d), m * d);
      let total = 0;
      for (let i = 0; i < x.n; i++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (x.data[i * d + j]! - means[m * d + j]!) ** 2;
        dist[i] = Math.min(dist[i]!, s);
        total += dist[i]!;
      }
      let u = initRng.uniform() * total;
      pick = 0;
      while (pick < x.n - 1 && (u -= dist[pick]!) > 0) pick++;
    }
    // Start every covariance at the data covariance's diagonal, scaled down by the number of components.
    for (let j = 0; j < d; j++) {
      let mu = 0;
      let sq = 0;
      for (let i = 0; i < x.n; i++) mu += x.data[i * d + j]! / x.n;
      for (let i = 0; i < x.n; i++) sq += (x.data[i * d + j]! - mu) ** 2 / x.n;
      for (let m = 0; m < M; m++) {
        for (let k = 0; k < d; k++) covs[m * d * d + j * d + k] = j === k ? Math.max(sq / M, reg) : 0;
      }
    }
    weights.fill(1 / M);
    refreshChols();
  };

  return {
    dim: d,
    get weights() {
      return Float64Array.from(weights);
    },
    get means() {
      return Float64Array.from(means);
    },
    get covariances() {
      return Float64Array.from(covs);
    },
    fit(x: Samples) {
      checkSamples('gaussianMixtureModel.fit', 'samples', x, d);
      if (!initialised) {
        kmeansPlusPlus(x);
        initialised = true;
      }
      let prevLl = -Infinity;
      const resp = new Float64Array(x.n * M);
      for (let it = 0; it < maxIt; it++) {
        // E-step: responsibilities by log-sum-exp over components.
        const jl = jointLog(x);
        let ll = 0;
        for (let i = 0; i < x.n; i++) {
          let mx = -Infinity;
          for (let m = 0; m < M; m++) mx = Math.max(mx, jl[i * M + m]!);
          let s = 0;
          for (let m = 0; m < M; m++) s += Math.exp(jl[i * M + m]! - mx);
          ll += mx + Math.log(s);
          for (let m = 0; m < M; m++) resp[i * M + m] = Math.exp(jl[i * M + m]! - mx) / s;
        }
        ll /= x.n;
        // M-step: weighted moments; an emptied component keeps its old parameters with weight 0.
        const nw = new Float64Array(M);
        for (let i = 0; i < x.n; i++) for (let m = 0; m < M; m++) nw[m]! += resp[i * M + m]!;
        const newMeans = new Float64Array(M * d);
        const newCovs = new Float64Array(M * d * d);
        for (let m = 0; m < M; m++) {
          if (nw[m]! < 1e-12) {
            newMeans.set(means.subarray(m * d, (m + 1) * d), m * d);
            newCovs.set(covs.subarray(m * d * d, (m + 1) * d * d), m * d * d);
            continue;
          }
          for (let i = 0; i < x.n; i++) for (let j = 0; j < d; j++) newMeans[m * d + j]! += (resp[i * M + m]! * x.data[i * d + j]!) / nw[m]!;
          for (let i = 0; i < x.n; i++) {
            const r = resp[i * M + m]! / nw[m]!;
            if (r === 0) continue;
            for (let a = 0; a < d; a++) {
              const da = x.data[i * d + a]! - newMeans[m * d + a]!;
              for (let b = 0; b <= a; b++) newCovs[m * d * d + a * d + b]! += r * da * (x.data[i * d + b]! - newMeans[m * d + b]!);
            }
          }
          for (let a = 0; a < d; a++) {
            for (let b = 0; b < a; b++) newCovs[m * d * d + b * d + a] = newCovs[m * d * d + a * d + b]!;
            newCovs[m * d * d + a * d + a]! += reg;
          }
        }
        weights = nw.map((v) => v / x.n);
        means = newMeans;
        covs = newCovs;
        refreshChols();
        if (ll - prevLl < tol) break;
        prevLl = ll;
      }
    },
    sample(n: number, rng: Rng) {
      checkSampleCount('gaussianMixtureModel.sample', 'n', n, d);
      expectRng('gaussianMixtureModel.sample', 'rng', rng, { describe: describeType });
      const out = new Float64Array(n * d);
      const cdf = new Float64Array(M);
      let s = 0;
      for (let m = 0; m < M; m++) cdf[m] = s += weights[m]!;
      for (let i = 0; i < n; i++) {
        const u = rng.uniform() * s;
        let m = 0;
        while (m < M - 1 && (cdf[m]! <= u || weights[m] === 0)) m++;
        affineRows(means.subarray(m * d, (m + 1) * d), chols[m]!.L, d, rng.normalArray(d), out, i * d);
      }
      return { n, dim: d, data: out };
    },
    logProb(x: Samples) {
      checkSamples('gaussianMixtureModel.logProb', 'x', x, d, true);
      const jl = jointLog(x);
      const out = new Float64Array(x.n);
      for (let i = 0; i < x.n; i++) {
        let mx = -Infinity;
        for (let m = 0; m < M; m++) mx = Math.max(mx, jl[i * M + m]!);
        let s = 0;
        for (let m = 0; m < M; m++) s += Math.exp(jl[i * M + m]! - mx);
        out[i] = mx + Math.log(s);
      }
      return out;
    },
  };
}
