/**
 * Dense O(B v d) reference simulator: samples x in R^v (x_j = j^-alpha z_j), features W^T x and labels
 * <x, b> exactly as the model is defined, with a materialised W. For tests of the eigenbasis simulator.
 * The authors' dense oracle (Experimental power_law_rf.py `get_data`) and `dana_optimizer` update.
 */
import { plrfSpectrum, buildPlrfMatrices, samplePlrfW, type PlrfOptions } from '../theory/plrf';
import { evalHparams } from '../theory/schedule';
import { NormalStream } from '@lemma/gpu-kernels';
import { summariseRuns } from './summarise-runs';
import { validateSimulation } from './validate-simulation';
import { type SimulationOptions, type SimulationResult } from '../types';

/** Simulates Gen-Mom-SGD on PLRF with the full data oracle; risk is the exact population risk. */
export function simulateDense(model: PlrfOptions, opts: SimulationOptions): SimulationResult {
  const fn = 'simulateDense';
  const m = buildPlrfMatrices(model);
  const spec = plrfSpectrum(m);
  const B = validateSimulation(fn, spec, opts);
  const { d, v, alpha, beta, K } = m;
  const W = samplePlrfW(model);
  const sd = new Float64Array(v);
  const bv = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    sd[j] = Math.pow(j + 1, -alpha);
    bv[j] = Math.pow(j + 1, -beta);
  }
  const S = opts.seeds;
  const n = opts.steps.length;
  const risk = new Float64Array(S * n);
  const theta = new Float64Array(d);
  const mom = new Float64Array(d);
  const g = new Float64Array(d);
  const x = new Float64Array(v);
  const phi = new Float64Array(d);
  const e = new Float64Array(d);
  for (let s = 0; s < S; s++) {
    const rng = new NormalStream(opts.seed ^ 0x2545f491, s);
    theta.fill(0);
    mom.fill(0);
    let t = 0;
    for (let i = 0; i < n; i++) {
      while (t < opts.steps[i]!) {
        const h = evalHparams(opts.hparams, t);
        g.fill(0);
        for (let b = 0; b < B; b++) {
          rng.fill(x, v);
          let label = 0;
          for (let j = 0; j < v; j++) {
            x[j] = x[j]! * sd[j]!;
            label += x[j]! * bv[j]!;
          }
          phi.fill(0);
          for (let j = 0; j < v; j++) {
            const xj = x[j]!;
            const row = j * d;
            for (let k = 0; k < d; k++) phi[k] = phi[k]! + W[row + k]! * xj;
          }
          let r = -label;
          for (let k = 0; k < d; k++) r += phi[k]! * theta[k]!;
          for (let k = 0; k < d; k++) g[k] = g[k]! + (phi[k]! * r) / B;
        }
        for (let k = 0; k < d; k++) {
          const yk = (1 - h.delta) * mom[k]! + h.g1 * g[k]!;
          mom[k] = yk;
          theta[k] = theta[k]! - h.g2 * g[k]! - h.g3 * yk;
        }
        t++;
      }
      // Exact population risk through the reduction (tested separately against the dense formula).
      for (let k = 0; k < d; k++) e[k] = theta[k]! - spec.thetaStar[k]!;
      let q = 0;
      for (let a = 0; a < d; a++) {
        let r = 0;
        for (let k = 0; k < d; k++) r += K[a * d + k]! * e[k]!;
        q += e[a]! * r;
      }
      risk[s * n + i] = 0.5 * q + spec.pInf;
    }
  }
  return summariseRuns(opts.steps, risk, S);
}
