/**
 * The power-law random features (PLRF) model, conditional on one draw of W.
 *
 * x_j = j^-alpha z_j, y = <x, b>, b_j = j^-beta, features W^T x with W_ij ~ N(0, 1/d).
 * Risk P(theta) = 1/2 E[(<W^T x, theta> - y)^2]  (the 1/2 follows the authors' code: RISK = MSE/2).
 * Conditional on W this is exactly Gaussian least squares: K = W^T D W, c = W^T D b,
 * theta* = K^-1 c, P_inf = 1/2 (b^T D b - c^T theta*), label-noise variance 2 P_inf.
 * The model of DANA (arXiv 2505.16098) §2 and 4+3 (arXiv 2405.15074) §1–2; the equation numbers are not in the notes.
 * The reduction to Gaussian least squares is ours (derived); conventions follow Experimental `power_law_rf/power_law_rf.py`.
 */
import { createRng } from '@lemma/gpu-kernels';
import { symmetricEigen } from './eigen';
import type { SpectralInputs } from '../types';
import { expectFinite, expectInteger, expectPositive, expectSeed, invalidArgument } from '@lemma/gpu-kernels/validate';

/** Options defining a PLRF instance. */
export interface PlrfOptions {
  /** Data complexity alpha (> 0): Cov(x) = diag(j^-2alpha). */
  alpha: number;
  /** Target complexity beta: b_j = j^-beta. */
  beta: number;
  /** Model size (number of features). */
  d: number;
  /** Data dimension v; default `ratio * d`. */
  v?: number;
  /** v/d when `v` is not given; default 4 (the DANA notebooks' V = 4D). */
  ratio?: number;
  /** Seed of the Philox stream that draws W row by row. */
  seed: number;
}

/** The sufficient statistics of one PLRF instance: K, c and b^T D b (O(d^2) memory). */
export interface PlrfMatrices {
  alpha: number;
  beta: number;
  d: number;
  v: number;
  /** Row-major d x d K = W^T D W. */
  K: Float64Array;
  /** c = W^T D b (length d). */
  c: Float64Array;
  /** b^T D b = sum_j j^(-2 alpha - 2 beta). */
  bDb: number;
}

/** {@link SpectralInputs} plus the eigenvectors and theta*, from an actual W. */
export interface PlrfSpectrum extends SpectralInputs {
  d: number;
  /** Row-major d x d; column k is the unit eigenvector of `lambda[k]`. */
  U: Float64Array;
  /** theta* = K^-1 c. */
  thetaStar: Float64Array;
}

function resolve(fn: string, opts: PlrfOptions): { alpha: number; beta: number; d: number; v: number; seed: number } {
  if (opts === null || typeof opts !== 'object') throw invalidArgument(fn, 'opts', 'a PlrfOptions object { alpha, beta, d, seed, v?, ratio? }', opts, 'type');
  expectPositive(fn, 'alpha', opts.alpha);
  expectFinite(fn, 'beta', opts.beta);
  // The d x d matrices and their O(d^3) eigendecomposition bound d; W (v x d float64) bounds v.
  expectInteger(fn, 'd', opts.d, { min: 1, max: 4096 });
  const ratio = opts.ratio ?? 4;
  expectPositive(fn, 'ratio', ratio);
  const v = opts.v ?? Math.round(ratio * opts.d);
  expectInteger(fn, 'v', v, { min: 1, max: Math.floor(1e8 / opts.d), expected: `an integer in [1, ${Math.floor(1e8 / opts.d)}] (v·d <= 1e8 entries of W)` });
  if (v <= opts.d) throw invalidArgument(fn, 'v', `> d (${opts.d}) so K is full rank`, v);
  expectSeed(fn, 'seed', opts.seed);
  return { alpha: opts.alpha, beta: opts.beta, d: opts.d, v, seed: opts.seed };
}

/** Rows of W in order j = 1..v from the Philox stream of `seed` (the one source of truth for W). */
// W_ij ~ N(0, 1/d): as Experimental power_law_rf.py `initialize_random` (random.normal((v, d)) / sqrt(d)).
function* wRows(d: number, v: number, seed: number): Generator<Float64Array> {
  const rng = createRng(seed, 17);
  const s = 1 / Math.sqrt(d);
  for (let j = 0; j < v; j++) {
    const row = rng.normalArray(d);
    for (let i = 0; i < d; i++) row[i] = row[i]! * s;
    yield row;
  }
}

/** Materialises W (v x d, row-major). O(v d) memory: for tests and the dense reference only. */
export function samplePlrfW(opts: PlrfOptions): Float64Array {
  const { d, v, seed } = resolve('samplePlrfW', opts);
  const W = new Float64Array(v * d);
  let j = 0;
  for (const row of wRows(d, v, seed)) W.set(row, d * j++);
  return W;
}

/**
 * Builds K = W^T D W and c = W^T D b by streaming the rows of W (never stores W): O(v d^2) time,
 * O(d^2) memory. Rows are accumulated in blocks of 16 so each row of K is reused from cache.
 * Streamed K = sum_j j^-2alpha w_j w_j^T, c = sum_j j^(-2alpha-beta) w_j: ours (the authors form checkW = D^1/2 W densely).
 */
export function buildPlrfMatrices(opts: PlrfOptions): PlrfMatrices {
  return buildMatrices('buildPlrfMatrices', opts);
}

function buildMatrices(fn: string, opts: PlrfOptions): PlrfMatrices {
  const { alpha, beta, d, v, seed } = resolve(fn, opts);
  const K = new Float64Array(d * d);
  const c = new Float64Array(d);
  const BLK = 16;
  const block = new Float64Array(BLK * d);
  const scaled = new Float64Array(BLK * d);
  let filled = 0;
  let bDb = 0;
  const flush = (): void => {
    for (let i = 0; i < d; i++) {
      const ki = i * d;
      for (let r = 0; r < filled; r++) {
        const a = scaled[r * d + i]!;
        const br = r * d;
        for (let k = i; k < d; k++) K[ki + k] = K[ki + k]! + a * block[br + k]!;
      }
    }
    filled = 0;
  };
  let j = 0;
  for (const row of wRows(d, v, seed)) {
    const jj = j + 1;
    const Dj = Math.pow(jj, -2 * alpha);
    const Dbj = Math.pow(jj, -2 * alpha - beta);
    bDb += Math.pow(jj, -2 * alpha - 2 * beta);
    const off = filled * d;
    for (let i = 0; i < d; i++) {
      const w = row[i]!;
      block[off + i] = w;
      scaled[off + i] = Dj * w;
      c[i] = c[i]! + Dbj * w;
    }
    if (++filled === BLK) flush();
    j++;
  }
  if (filled > 0) flush();
  for (let i = 0; i < d; i++) for (let k = 0; k < i; k++) K[i * d + k] = K[k * d + i]!;
  return { alpha, beta, d, v, K, c, bDb };
}

/**
 * Eigendecomposes K (float64) and returns lambda (descending), U, theta*, rho(0) and P_inf.
 * lambda, rho(0) = (u_k^T theta*)^2: the quantities of Experimental power_law_rf.py `get_hessian_spectra`, `get_rhos`.
 */
export function plrfSpectrum(m: PlrfMatrices): PlrfSpectrum {
  const { d, K, c } = m;
  const eig = symmetricEigen(K, d);
  const lambda = new Float64Array(d);
  const U = new Float64Array(d * d);
  const coef = new Float64Array(d); // u_k^T c / lambda_k = u_k^T theta*
  for (let k = 0; k < d; k++) {
    const src = d - 1 - k; // ascending -> descending
    const l = eig.values[src]!;
    if (!(l > 0)) throw new Error(`plrfSpectrum: K must be positive definite, got eigenvalue ${l} (v too close to d?)`);
    lambda[k] = l;
    let s = 0;
    for (let i = 0; i < d; i++) {
      const u = eig.vectors[i * d + src]!;
      U[i * d + k] = u;
      s += u * c[i]!;
    }
    coef[k] = s / l;
  }
  const thetaStar = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += U[i * d + k]! * coef[k]!;
    thetaStar[i] = s;
  }
  let cTheta = 0;
  for (let k = 0; k < d; k++) cTheta += coef[k]! * coef[k]! * lambda[k]!;
  const rho0 = new Float64Array(d);
  for (let k = 0; k < d; k++) rho0[k] = coef[k]! * coef[k]!;
  // P_inf = 1/2 (b^T D b - c^T K^-1 c) (ours: the derived reduction); clamp the O(eps) cancellation at large d.
  const pInf = Math.max(0, 0.5 * (m.bDb - cTheta));
  return { d, lambda, rho0, pInf, U, thetaStar };
}

/** Convenience: {@link buildPlrfMatrices} then {@link plrfSpectrum}. */
export function plrfInstance(opts: PlrfOptions): PlrfSpectrum {
  return plrfSpectrum(buildMatrices('plrfInstance', opts));
}

/** Exact population risk 1/2 ||D^{1/2}(W theta - b)||^2 from a materialised W (dense reference). */
// As Experimental power_law_rf.py `get_population_risk`: 1/2 ||checkW theta - checkb||^2.
export function plrfDenseRisk(W: Float64Array, theta: Float64Array, alpha: number, beta: number): number {
  const d = theta.length;
  const v = W.length / d;
  let s = 0;
  for (let j = 0; j < v; j++) {
    let p = 0;
    for (let i = 0; i < d; i++) p += W[j * d + i]! * theta[i]!;
    const r = p - Math.pow(j + 1, -beta);
    s += Math.pow(j + 1, -2 * alpha) * r * r;
  }
  return 0.5 * s;
}

/** Risk from the reduction: 1/2 (theta - theta*)^T K (theta - theta*) + P_inf (ours: derived, no paper equation). */
export function plrfReducedRisk(m: PlrfMatrices, s: PlrfSpectrum, theta: Float64Array): number {
  const d = m.d;
  const e = new Float64Array(d);
  for (let i = 0; i < d; i++) e[i] = theta[i]! - s.thetaStar[i]!;
  let q = 0;
  for (let i = 0; i < d; i++) {
    let r = 0;
    for (let k = 0; k < d; k++) r += m.K[i * d + k]! * e[k]!;
    q += e[i]! * r;
  }
  return 0.5 * q + s.pInf;
}

/** Largest `v` of {@link traceD} (one pow per term: about a second at the cap). */
const TRACE_D_MAX_V = 1e8;

/**
 * Sum of the first v data variances, Tr K's expectation: sum_{j<=v} j^-2alpha (the notebooks' TrK).
 * `alpha` is a finite number, `v` an integer in [0, 10^8].
 */
export function traceD(alpha: number, v: number): number {
  expectFinite('traceD', 'alpha', alpha);
  expectInteger('traceD', 'v', v, { max: TRACE_D_MAX_V });
  let s = 0;
  for (let j = v; j >= 1; j--) s += Math.pow(j, -2 * alpha);
  return s;
}
