/**
 * Exact expected risk of SGD on Gaussian least squares (the PLRF reduction), per eigenmode:
 *   rho_k(t+1) = q_k rho_k(t) + (gamma^2 / B) lambda_k R(t),  q_k = 1 - 2 gamma lambda_k + gamma^2 ((B+1)/B) lambda_k^2,
 *   R(t) = 2 P(t) = sum_k lambda_k rho_k(t) + 2 P_inf  (a discrete Volterra equation).
 * g is the batch-mean gradient; gamma is its learning rate.
 * Ours (derived for Gaussian data); 4+3's batch-sum form is in Experimental `colabs/SGD_powerlaws_approximate_loss_curves.ipynb`.
 */
import type { RiskCurve, SpectralInputs } from '../types';
import { expectFinite, expectFiniteArray, expectInteger, expectPositive, invalidArgument } from '@lemma/gpu-kernels/validate';

/** Thrown when the SGD Volterra kernel norm is >= 1 (risk diverges). */
export class UnstableLearningRateError extends Error {
  constructor(readonly kernelNorm: number, readonly lr: number) {
    super(`SGD is unstable: kernel norm ||K|| = ${kernelNorm.toPrecision(4)} >= 1 at lr ${lr}; lower lr (lr <= 0.5 / Tr K is safe)`);
    this.name = 'UnstableLearningRateError';
  }
}

/**
 * Volterra kernel norm ||K|| = sum_t K(t) = (gamma/B) sum_k lambda_k / (2 - gamma (B+1) lambda_k / B).
 * Returns Infinity when some mode is itself unstable (q_k >= 1).
 * Ours (derived); at B = 1 it is the notebook's `tt_knorm_limit` (SGD_powerlaws_approximate_loss_curves.ipynb).
 */
export function sgdKernelNorm(lambda: Float64Array, lr: number, batch = 1): number {
  expectPositive('sgdKernelNorm', 'lr', lr);
  expectInteger('sgdKernelNorm', 'batch', batch, { min: 1 });
  let s = 0;
  for (let k = 0; k < lambda.length; k++) {
    const den = 2 - (lr * (batch + 1) * lambda[k]!) / batch;
    if (!(den > 0)) return Infinity;
    s += lambda[k]! / den;
  }
  return (lr / batch) * s;
}

/** Constant-LR limit of the risk, P(inf) = P_inf / (1 - ||K||); throws {@link UnstableLearningRateError} if ||K|| >= 1. */
// Noise floor of the Volterra equation: ours (derived, checked numerically), no paper equation in the notes.
export function sgdRiskFloor(inputs: SpectralInputs, lr: number, batch = 1): number {
  const kn = sgdKernelNorm(inputs.lambda, lr, batch);
  if (!(kn < 1)) throw new UnstableLearningRateError(kn, lr);
  return inputs.pInf / (1 - kn);
}

/** Most mode-updates (d × last step) an exact recursion may take: ~10-30 s of one CPU core. */
export const MAX_RECURSION_WORK = 1e10;

/**
 * Checks the spectral inputs and the logged steps of an exact O(d)-per-step recursion before any work: `lambda` and
 * `rho0` finite of equal length, `pInf` finite, `steps` increasing non-negative integers whose last entry times d is
 * at most {@link MAX_RECURSION_WORK} (longer horizons: the ODE solver {@link genMomRiskODE}, O(d log T)).
 */
export function checkRecursion(fn: string, inputs: SpectralInputs, steps: unknown, maxWork = MAX_RECURSION_WORK): void {
  if (inputs === null || typeof inputs !== 'object') throw invalidArgument(fn, 'inputs', 'a SpectralInputs object { lambda, rho0, pInf }', inputs, 'type');
  const d = expectFiniteArray(fn, 'inputs.lambda', inputs.lambda).length;
  expectFiniteArray(fn, 'inputs.rho0', inputs.rho0, d);
  expectFinite(fn, 'inputs.pInf', inputs.pInf);
  expectFiniteArray(fn, 'steps', steps);
  const s = steps as ArrayLike<number>;
  const maxStep = Math.floor(maxWork / Math.max(1, d));
  for (let i = 0; i < s.length; i++) {
    expectInteger(fn, `steps[${i}]`, s[i], { min: i > 0 ? s[i - 1]! : 0, max: maxStep, expected: `an integer in [${i > 0 ? `steps[${i - 1}] = ${s[i - 1]}` : '0'}, ${maxStep}] (increasing; d = ${d} updates per step and run, at most ${maxWork.toExponential(1)} per run)` });
  }
}

/** Options of {@link sgdExpectedRisk}. */
export interface SgdRecursionOptions {
  /** Batch-mean learning rate gamma (constant). */
  lr: number;
  batch?: number;
  /** Increasing integer steps at which to record P(t) (e.g. {@link geometricStepGrid}). */
  steps: number[];
  /** Skip the stability check (for demonstrating divergence). */
  allowUnstable?: boolean;
}

/** Runs the exact per-mode recursion, O(d) per step, and records P(t) = R(t)/2 on `steps`. */
export function sgdExpectedRisk(inputs: SpectralInputs, opts: SgdRecursionOptions): RiskCurve {
  const fn = 'sgdExpectedRisk';
  const batch = opts.batch ?? 1;
  expectPositive(fn, 'lr', opts.lr);
  expectInteger(fn, 'batch', batch, { min: 1 });
  checkRecursion(fn, inputs, opts.steps);
  const { lambda, rho0, pInf } = inputs;
  const d = lambda.length;
  if (!opts.allowUnstable) {
    const kn = sgdKernelNorm(lambda, opts.lr, batch);
    if (!(kn < 1)) throw new UnstableLearningRateError(kn, opts.lr);
  }
  const lr = opts.lr;
  const q = new Float64Array(d);
  const kr = new Float64Array(d);
  const rho = Float64Array.from(rho0);
  for (let k = 0; k < d; k++) {
    const l = lambda[k]!;
    // q_k and the kernel weight (gamma^2/B) lambda_k of the module's recursion (ours, derived).
    q[k] = 1 - 2 * lr * l + ((lr * lr * (batch + 1)) / batch) * l * l;
    kr[k] = ((lr * lr) / batch) * l;
  }
  const steps = opts.steps;
  const out = new Float64Array(steps.length);
  let R = 2 * pInf;
  for (let k = 0; k < d; k++) R += lambda[k]! * rho[k]!;
  let t = 0;
  for (let i = 0; i < steps.length; i++) {
    const target = steps[i]!;
    if (!Number.isInteger(target) || target < t) throw new Error(`${fn}: steps must be increasing non-negative integers, got ${target} after ${t}`);
    while (t < target) {
      let Rn = 2 * pInf;
      for (let k = 0; k < d; k++) {
        const r = q[k]! * rho[k]! + kr[k]! * R;
        rho[k] = r;
        Rn += lambda[k]! * r;
      }
      R = Rn;
      t++;
    }
    out[i] = R / 2;
  }
  return { steps: Float64Array.from(steps), risk: out };
}
