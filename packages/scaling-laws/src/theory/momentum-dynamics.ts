/**
 * Expected risk of the Gen-Mom-SGD family through per-mode second moments v_k = (rho, sigma, chi)
 * = (E e_k^2, E y_k^2, E e_k y_k), e = theta - theta* in the eigenbasis (the authors'
 * "ODE (7)" as named in Experimental `power_law_rf/ode.py`; its equation number in the DANA paper is not in the notes).
 * With a = gamma2 + gamma1 gamma3, c = gamma3 (1 - Delta), E g^2 = ((B+1)/B) lambda^2 rho + lambda R / B:
 *   rho'   = rho - 2 a lambda rho - 2 c chi + a^2 E g^2 + 2 a c lambda chi + c^2 sigma
 *   sigma' = (1-Delta)^2 sigma + 2 (1-Delta) gamma1 lambda chi + gamma1^2 E g^2
 *   chi'   = (1-Delta) chi + gamma1 lambda rho - a (1-Delta) lambda chi - a gamma1 E g^2 - c (1-Delta) sigma - c gamma1 lambda chi
 * These are exact for Gaussian features (derived in the notes); R = 2 P_inf + sum_k lambda_k rho_k.
 */
import type { RiskCurve, SpectralInputs } from '../types';
import { checkRecursion, MAX_RECURSION_WORK } from './sgd-recursion';
import { evalHparams, validateHparams, type GenMomHparams, type GenMomValues } from './schedule';
import { expectInteger, expectNumber, expectPositive } from '@lemma/gpu-kernels/validate';

/** Per-mode 3x3 increment matrix Omega (row-major 9) and forcing G (3) so that v' - v = Omega v + G R. */
// Omega and G as in Experimental power_law_rf/ode.py (`ode_resolvent_log_implicit`).
function modeMatrices(l: number, hp: GenMomValues, batch: number, om: Float64Array, G: Float64Array): void {
  const { g1, g2, g3, delta } = hp;
  const a = g2 + g1 * g3;
  const c = g3 * (1 - delta);
  const m = 1 - delta;
  const bb = (batch + 1) / batch;
  const eg = bb * l * l; // coefficient of rho in E g^2
  // rho row
  om[0] = -2 * a * l + a * a * eg;
  om[1] = c * c;
  om[2] = -2 * c + 2 * a * c * l;
  // sigma row
  om[3] = g1 * g1 * eg;
  om[4] = m * m - 1;
  om[5] = 2 * m * g1 * l;
  // chi row
  om[6] = g1 * l - a * g1 * eg;
  om[7] = -c * m;
  om[8] = m - 1 - a * m * l - c * g1 * l;
  G[0] = (a * a * l) / batch;
  G[1] = (g1 * g1 * l) / batch;
  G[2] = (-a * g1 * l) / batch;
}

/** Options shared by the exact and ODE momentum solvers. */
export interface MomentumTheoryOptions {
  hparams: GenMomHparams;
  batch?: number;
}

/**
 * Exact expected risk, one discrete step at a time (O(d) per step), recorded on `steps`.
 * Starts at theta_0 = 0, y_0 = 0. Ours: the module's one-step map applied exactly (no ODE discretisation).
 */
export function genMomExpectedRisk(inputs: SpectralInputs, opts: MomentumTheoryOptions & { steps: number[] }): RiskCurve {
  const fn = 'genMomExpectedRisk';
  const batch = opts.batch ?? 1;
  expectInteger(fn, 'batch', batch, { min: 1 });
  validateHparams(fn, opts.hparams);
  checkRecursion(fn, inputs, opts.steps);
  const { lambda, rho0, pInf } = inputs;
  const d = lambda.length;
  const rho = Float64Array.from(rho0);
  const sig = new Float64Array(d);
  const chi = new Float64Array(d);
  const om = new Float64Array(9);
  const G = new Float64Array(3);
  const out = new Float64Array(opts.steps.length);
  let R = 2 * pInf;
  for (let k = 0; k < d; k++) R += lambda[k]! * rho[k]!;
  let t = 0;
  for (let i = 0; i < opts.steps.length; i++) {
    const target = opts.steps[i]!;
    if (!Number.isInteger(target) || target < t) throw new Error(`${fn}: steps must be increasing non-negative integers, got ${target} after ${t}`);
    while (t < target) {
      const hp = evalHparams(opts.hparams, t);
      let Rn = 2 * pInf;
      for (let k = 0; k < d; k++) {
        const l = lambda[k]!;
        modeMatrices(l, hp, batch, om, G);
        const r = rho[k]!, s = sig[k]!, x = chi[k]!;
        const nr = r + om[0]! * r + om[1]! * s + om[2]! * x + G[0]! * R;
        const ns = s + om[3]! * r + om[4]! * s + om[5]! * x + G[1]! * R;
        const nx = x + om[6]! * r + om[7]! * s + om[8]! * x + G[2]! * R;
        rho[k] = nr;
        sig[k] = ns;
        chi[k] = nx;
        Rn += l * nr;
      }
      R = Rn;
      t++;
    }
    out[i] = R / 2;
  }
  return { steps: Float64Array.from(opts.steps), risk: out };
}

/** Options of {@link genMomRiskODE}. */
export interface MomentumOdeOptions extends MomentumTheoryOptions {
  /** Horizon T in steps. */
  tMax: number;
  /** Log-time step d tau (default 1e-2: about 100 ln T solver steps). */
  dTau?: number;
}

/**
 * The log-time implicit-Euler ODE solver (tau = log(1 + t)): dv_k/dt = Omega_k(t) v_k + G_k(t) R(t)
 * with h = d tau * e^(tau + d tau); each mode's (I - h Omega_k) is inverted in closed form and the
 * rank-one coupling through R is solved by Sherman-Morrison. O(d) per solver step, ~ln(T)/dTau steps.
 * Port of Experimental power_law_rf/ode.py `ode_resolvent_log_implicit` (no paper equation number in the notes).
 */
export function genMomRiskODE(inputs: SpectralInputs, opts: MomentumOdeOptions): RiskCurve {
  const fn = 'genMomRiskODE';
  const batch = opts.batch ?? 1;
  const dTau = opts.dTau ?? 1e-2;
  expectInteger(fn, 'batch', batch, { min: 1 });
  expectPositive(fn, 'tMax', opts.tMax);
  expectPositive(fn, 'dTau', dTau);
  validateHparams(fn, opts.hparams);
  checkRecursion(fn, inputs, []);
  // ln(1 + T) / dTau solver steps of O(d) each: the same work cap as the exact recursions.
  const maxSolverSteps = Math.floor(MAX_RECURSION_WORK / Math.max(1, inputs.lambda.length));
  expectNumber(fn, 'dTau', dTau, { min: Math.log1p(opts.tMax) / maxSolverSteps, expected: `a number >= ln(1 + tMax) / ${maxSolverSteps} = ${(Math.log1p(opts.tMax) / maxSolverSteps).toExponential(2)} (at most ${maxSolverSteps} solver steps of d = ${inputs.lambda.length} updates)` });
  const { lambda, rho0, pInf } = inputs;
  const d = lambda.length;
  const v = new Float64Array(3 * d); // [rho, sigma, chi] per mode
  for (let k = 0; k < d; k++) v[3 * k] = rho0[k]!;
  const x = new Float64Array(3 * d);
  const y = new Float64Array(3 * d);
  const om = new Float64Array(9);
  const G = new Float64Array(3);
  const nSteps = Math.ceil(Math.log1p(opts.tMax) / dTau);
  const steps = new Float64Array(nSteps + 1);
  const risk = new Float64Array(nSteps + 1);
  let R = 2 * pInf;
  for (let k = 0; k < d; k++) R += lambda[k]! * rho0[k]!;
  risk[0] = R / 2;
  for (let n = 0; n < nSteps; n++) {
    const tauNext = (n + 1) * dTau;
    const eNext = Math.exp(tauNext);
    const h = dTau * eNext;
    const hp = evalHparams(opts.hparams, eNext - 1);
    let sx = 0;
    let sy = 0;
    for (let k = 0; k < d; k++) {
      const l = lambda[k]!;
      modeMatrices(l, hp, batch, om, G);
      // M = I - h Omega, closed-form 3x3 inverse via the adjugate.
      const m00 = 1 - h * om[0]!, m01 = -h * om[1]!, m02 = -h * om[2]!;
      const m10 = -h * om[3]!, m11 = 1 - h * om[4]!, m12 = -h * om[5]!;
      const m20 = -h * om[6]!, m21 = -h * om[7]!, m22 = 1 - h * om[8]!;
      const c00 = m11 * m22 - m12 * m21, c01 = m02 * m21 - m01 * m22, c02 = m01 * m12 - m02 * m11;
      const c10 = m12 * m20 - m10 * m22, c11 = m00 * m22 - m02 * m20, c12 = m02 * m10 - m00 * m12;
      const c20 = m10 * m21 - m11 * m20, c21 = m01 * m20 - m00 * m21, c22 = m00 * m11 - m01 * m10;
      const inv = 1 / (m00 * c00 + m01 * c10 + m02 * c20);
      const b0 = v[3 * k]! + h * 2 * pInf * G[0]!, b1 = v[3 * k + 1]! + h * 2 * pInf * G[1]!, b2 = v[3 * k + 2]! + h * 2 * pInf * G[2]!;
      const x0 = (c00 * b0 + c01 * b1 + c02 * b2) * inv;
      x[3 * k] = x0;
      x[3 * k + 1] = (c10 * b0 + c11 * b1 + c12 * b2) * inv;
      x[3 * k + 2] = (c20 * b0 + c21 * b1 + c22 * b2) * inv;
      const y0 = (c00 * G[0]! + c01 * G[1]! + c02 * G[2]!) * inv;
      y[3 * k] = y0;
      y[3 * k + 1] = (c10 * G[0]! + c11 * G[1]! + c12 * G[2]!) * inv;
      y[3 * k + 2] = (c20 * G[0]! + c21 * G[1]! + c22 * G[2]!) * inv;
      sx += l * x0;
      sy += l * y0;
    }
    // Sherman-Morrison (as in ode.py): s = lambda . v_new_rho solves s = sx + h s sy.
    const s = sx / (1 - h * sy);
    R = 2 * pInf;
    for (let i = 0; i < 3 * d; i++) v[i] = x[i]! + h * y[i]! * s;
    for (let k = 0; k < d; k++) R += lambda[k]! * v[3 * k]!;
    steps[n + 1] = eNext - 1;
    risk[n + 1] = R / 2;
  }
  return { steps, risk };
}
