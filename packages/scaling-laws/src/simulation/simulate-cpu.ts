/**
 * Monte Carlo of Gen-Mom-SGD on PLRF in the eigenbasis of K, exact in distribution, O(B d) per step
 * per seed: with w = U^T (theta - theta*), each sample's features are f = sqrt(lambda) * z, z ~ N(0, I_d),
 * and its residual is f.w - eps with eps ~ N(0, 2 P_inf) (the PLRF reduction). Risk = 1/2 sum lambda w^2 + P_inf.
 * Ours (derived from the reduction); the update is Experimental optimizers.py `dana_optimizer`'s y, theta step.
 */
import type { SimulationOptions, SimulationResult, SpectralInputs } from '../types';
import { evalHparams } from '../theory/schedule';
import { NormalStream } from '@lemma/gpu-kernels';
import { summariseRuns } from './summarise-runs';
import { validateSimulation } from './validate-simulation';
import { checkDrawLayout, sampleStride } from './draw-layout';

/**
 * Eigenbasis Monte Carlo on the CPU (float64 typed arrays), from theta_0 = 0, y_0 = 0: w_0 = -sqrt(rho_0)
 * (the sign pattern is irrelevant in distribution since the features are symmetric). Its normals are those of
 * {@link simulateEigenbasisGPU} for the same seed (layout in draw-layout.ts), so the two follow the same trajectories
 * up to float32 rounding.
 */
export function simulateEigenbasisCPU(inputs: SpectralInputs, opts: SimulationOptions): SimulationResult {
  const fn = 'simulateEigenbasisCPU';
  const B = validateSimulation(fn, inputs, opts);
  const { lambda, rho0, pInf } = inputs;
  const d = lambda.length;
  checkDrawLayout(fn, d, B, opts.steps);
  const D = sampleStride(d);
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
        if (B === 1) {
          // One sample: g = f r, so fuse the gradient into the update (one pass fewer, no g buffer).
          const r = rng.seek(t, 0).scaledDot(f, sl, w, d) - noise * rng.normal();
          if (momentum) {
            const m = 1 - h.delta;
            for (let k = 0; k < d; k++) {
              const gk = f[k]! * r;
              const yk = m * y[k]! + h.g1 * gk;
              y[k] = yk;
              w[k] = w[k]! - h.g2 * gk - h.g3 * yk;
            }
          } else {
            const c = h.g2 * r;
            for (let k = 0; k < d; k++) w[k] = w[k]! - c * f[k]!;
          }
          t++;
          continue;
        }
        for (let b = 0; b < B; b++) {
          const r = (rng.seek(t, b * D).scaledDot(f, sl, w, d) - noise * rng.normal()) / B;
          if (b === 0) for (let k = 0; k < d; k++) g[k] = f[k]! * r;
          else for (let k = 0; k < d; k++) g[k] = g[k]! + f[k]! * r;
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
