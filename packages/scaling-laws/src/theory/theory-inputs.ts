/**
 * "Theory inputs" for the loss curves without any random matrix (authors' `theory_rhos`,
 * `theory_limit_loss` in Experimental `power_law_rf/deterministic_equivalent.py`): lambda_j = j^-2alpha, rho_j = j^-2beta (pure point) + c_beta / d
 * (absolutely continuous part), and P_inf from the deterministic-equivalent fixed point.
 */
import type { SpectralInputs } from '../types';
import { expectFinite, expectInteger, expectNumber, expectPositive } from '@lemma/gpu-kernels/validate';

/** Largest v (and d) the theory sums take: one pass over v terms is about 0.1 s at the cap. */
const THEORY_MAX_V = 1e7;

/** Options of {@link theoryInputs}. */
export interface TheoryInputOptions {
  alpha: number;
  beta: number;
  d: number;
  /** Data dimension; default 4 d. */
  v?: number;
  /**
   * 'full' (default): rho_j = j^-2beta + c_beta / d. 'pure-point': rho_j = j^-2beta only, i.e. without the
   * absolutely-continuous part c_beta / d, which isolates the pure-point forcing F_pp (the d -> infinity limit
   * at fixed t; P_inf is unchanged).
   */
  part?: 'full' | 'pure-point';
}

/** Composite Simpson's rule on [a, b] with n (even) panels. */
function simpson(f: (x: number) => number, a: number, b: number, n: number): number {
  const h = (b - a) / n;
  let s = f(a) + f(b);
  for (let i = 1; i < n; i++) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

/**
 * kappa solving kappa = 1 / int_0^{v/d} dx / (kappa + x^{2 alpha}) (2 alpha > 1), started at
 * c^{-2 alpha} with c = int_0^inf dx/(1 + x^{2 alpha}) = (pi / 2alpha) / sin(pi / 2alpha).
 * Port of deterministic_equivalent.py `theory_kappa`.
 */
export function theoryKappa(alpha: number, v: number, d: number): number {
  expectNumber('theoryKappa', 'alpha', alpha, { min: 0.5, exclusiveMin: true });
  expectInteger('theoryKappa', 'd', d, { min: 1 });
  expectInteger('theoryKappa', 'v', v, { min: 1 });
  const c = Math.PI / (2 * alpha) / Math.sin(Math.PI / (2 * alpha));
  let kappa = Math.pow(c, -2 * alpha);
  const r = v / d;
  for (let it = 0; it < 200; it++) {
    // Substitute x = u^2 near 0 so the integrand stays smooth when 2 alpha is not an integer.
    const I = simpson((u) => (2 * u) / (kappa + Math.pow(u * u, 2 * alpha)), 0, Math.sqrt(r), 2000);
    const next = 1 / I;
    const err = Math.abs(next / kappa - 1);
    kappa = next;
    if (err < 1e-10) break;
  }
  return kappa;
}

/** tau solving tau = 1 / sum_{j<v} 1/(d (j^{2 alpha} + tau)) (2 alpha < 1 branch of the limit loss; deterministic_equivalent.py `theory_tau`). */
export function theoryTau(alpha: number, v: number, d: number): number {
  expectPositive('theoryTau', 'alpha', alpha);
  expectInteger('theoryTau', 'd', d, { min: 1 });
  // Up to 200 fixed-point passes over v terms.
  expectInteger('theoryTau', 'v', v, { min: 1, max: THEORY_MAX_V / 10 });
  const it = (k: number): number => {
    let s = 0;
    for (let j = 1; j < v; j++) s += 1 / (d * (Math.pow(j, 2 * alpha) + k));
    return s;
  };
  let tau = 1 / it(0);
  for (let n = 0; n < 200; n++) {
    const next = 1 / it(tau);
    const err = Math.abs(next / tau - 1);
    tau = next;
    if (err < 1e-10) break;
  }
  return tau;
}

/** Deterministic-equivalent limit risk P_inf (with the 1/2) for PLRF(alpha, beta, v, d) (deterministic_equivalent.py `theory_limit_loss`). */
export function theoryLimitRisk(alpha: number, beta: number, v: number, d: number): number {
  const fn = 'theoryLimitRisk';
  expectPositive(fn, 'alpha', alpha);
  expectFinite(fn, 'beta', beta);
  expectInteger(fn, 'd', d, { min: 1, max: THEORY_MAX_V });
  expectInteger(fn, 'v', v, { min: 1, max: THEORY_MAX_V });
  let s = 0;
  if (2 * alpha >= 1 + 1e-12) {
    const kd = theoryKappa(alpha, v, d) * Math.pow(d, 2 * alpha);
    for (let j = v - 1; j >= 1; j--) s += Math.pow(j, -2 * (alpha + beta)) / (Math.pow(j, -2 * alpha) * kd + 1);
  } else {
    const tau = theoryTau(alpha, v, d);
    for (let j = v - 1; j >= 1; j--) s += Math.pow(j, -2 * (alpha + beta)) / (Math.pow(j, -2 * alpha) * tau + 1);
  }
  return 0.5 * s;
}

/** Spectral inputs from the deterministic theory: no random matrix (deterministic_equivalent.py `theory_rhos`). */
export function theoryInputs(opts: TheoryInputOptions): SpectralInputs {
  const fn = 'theoryInputs';
  const { alpha, beta, d } = opts;
  expectPositive(fn, 'alpha', alpha);
  expectFinite(fn, 'beta', beta);
  expectInteger(fn, 'd', d, { min: 1, max: THEORY_MAX_V });
  const v = opts.v ?? 4 * d;
  expectInteger(fn, 'v', v, { min: 1, max: THEORY_MAX_V });
  if (v <= d) throw new Error(`${fn}: v must be > d (${d}), got ${v}`);
  const lambda = new Float64Array(d);
  const rho0 = new Float64Array(d);
  let cBeta = 0;
  if (alpha > 0.5 && beta > 0.5 && (opts.part ?? 'full') === 'full') for (let j = d; j >= 1; j--) cBeta += Math.pow(j, -2 * beta);
  for (let j = 1; j <= d; j++) {
    lambda[j - 1] = Math.pow(j, -2 * alpha);
    rho0[j - 1] = Math.pow(j, -2 * beta) + cBeta / d;
  }
  return { lambda, rho0, pInf: theoryLimitRisk(alpha, beta, v, d) };
}
