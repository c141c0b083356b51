/**
 * Monte Carlo of Gen-Mom-SGD on PLRF in the eigenbasis of K, exact in distribution, O(B d) per step
 * per seed: with w = U^T (theta - theta*), each sample's features are f = sqrt(lambda) * z, z ~ N(0, I_d),
 * and its residual is f.w - eps with eps ~ N(0, 2 P_inf) (the PLRF reduction). Risk = 1/2 sum lambda w^2 + P_inf.
 */
import type { SpectralInputs } from './plrf';
import { evalHparams, validateHparams, type GenMomHparams } from './schedule';
import { NormalStream } from './normal-stream';
import { expectInteger, expectNumber, expectSeed, invalidArgument } from '@lemma/gpu-kernels';
import { checkRecursion, MAX_RECURSION_WORK } from './sgd-recursion';

/** Options of the Monte Carlo simulators. */
export interface SimulationOptions {
  hparams: GenMomHparams;
  /** Batch size B (batch-mean gradient). Default 1. */
  batch?: number;
  /** Number of independent runs. */
  seeds: number;
  /** Base seed; run s uses stream s of it. */
  seed: number;
  /** Increasing integer steps at which the risk is logged (e.g. {@link geometricStepGrid}). */
  steps: number[];
}

/** Risks of many independent runs on a common step grid. */
export interface SimulationResult {
  steps: Float64Array;
  /** risk[s * steps.length + i] = P of run s at steps[i]. */
  risk: Float64Array;
  seeds: number;
  /** Mean risk over runs at each logged step. */
  mean: Float64Array;
  /** Standard error of that mean. */
  stderr: Float64Array;
}

/** Mean and standard error over runs of a seeds x steps risk matrix. */
export function summariseRuns(steps: ArrayLike<number>, risk: Float64Array, seeds: number): SimulationResult {
  const n = steps.length;
  const mean = new Float64Array(n);
  const stderr = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let m = 0;
    for (let s = 0; s < seeds; s++) m += risk[s * n + i]!;
    m /= seeds;
    let v = 0;
    for (let s = 0; s < seeds; s++) v += (risk[s * n + i]! - m) ** 2;
    mean[i] = m;
    stderr[i] = seeds > 1 ? Math.sqrt(v / (seeds - 1) / seeds) : 0;
  }
  return { steps: Float64Array.from(steps), risk, seeds, mean, stderr };
}

/** Validates simulator options; returns the batch size. */
export function validateSimulation(fn: string, inputs: SpectralInputs, opts: SimulationOptions, maxWork = MAX_RECURSION_WORK): number {
  if (opts === null || typeof opts !== 'object') throw invalidArgument(fn, 'opts', 'a SimulationOptions object', opts, 'type');
  const batch = opts.batch ?? 1;
  expectInteger(fn, 'batch', batch, { min: 1 });
  expectInteger(fn, 'seeds', opts.seeds, { min: 1 });
  expectSeed(fn, 'seed', opts.seed);
  validateHparams(fn, opts.hparams);
  // Same checks as the exact recursions, with the Monte Carlo's cost seeds · batch · d per step.
  checkRecursion(fn, inputs, opts.steps, maxWork / (opts.seeds * batch));
  expectNumber(fn, 'inputs.pInf', inputs.pInf, { min: 0 });
  return batch;
}

/**
 * Eigenbasis Monte Carlo on the CPU (float64 typed arrays), from theta_0 = 0, y_0 = 0: w_0 = -sqrt(rho_0)
 * (the sign pattern is irrelevant in distribution since the features are symmetric).
 */
export function simulateEigenbasisCPU(inputs: SpectralInputs, opts: SimulationOptions): SimulationResult {
  const fn = 'simulateEigenbasisCPU';
  const B = validateSimulation(fn, inputs, opts);
  const { lambda, rho0, pInf } = inputs;
  const d = lambda.length;
  const S = opts.seeds;
  const n = opts.steps.length;
  const sl = new Float64Array(d);
  for (let k = 0; k < d; k++) sl[k] = Math.sqrt(lambda[k]!);
  const noise = Math.sqrt(2 * pInf);
  const risk = new Float64Array(S * n);
  const w = new Float64Array(d);
  const y = new Float64Array(d);
  const g = new Float64Array(d);
  const f = new Float64Array(d);
  const hp = opts.hparams;
  const momentum = !(hp.g1.scale === 0 || hp.g3.scale === 0);
  for (let s = 0; s < S; s++) {
    const rng = new NormalStream(opts.seed, s);
    for (let k = 0; k < d; k++) w[k] = -Math.sqrt(rho0[k]!);
    y.fill(0);
    let t = 0;
    for (let i = 0; i < n; i++) {
      const target = opts.steps[i]!;
      while (t < target) {
        const h = evalHparams(hp, t);
        g.fill(0);
        for (let b = 0; b < B; b++) {
          let r = rng.scaledDot(f, sl, w, d);
          r = (r - noise * rng.normal()) / B;
          for (let k = 0; k < d; k++) g[k] = g[k]! + f[k]! * r;
        }
        if (momentum) {
          const m = 1 - h.delta;
          for (let k = 0; k < d; k++) {
            const yk = m * y[k]! + h.g1 * g[k]!;
            y[k] = yk;
            w[k] = w[k]! - h.g2 * g[k]! - h.g3 * yk;
          }
        } else {
          for (let k = 0; k < d; k++) w[k] = w[k]! - h.g2 * g[k]!;
        }
        t++;
      }
      let p = 0;
      for (let k = 0; k < d; k++) p += lambda[k]! * w[k]! * w[k]!;
      risk[s * n + i] = 0.5 * p + pInf;
    }
  }
  return summariseRuns(opts.steps, risk, S);
}
