import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { adana } from './adana';
import { ademamix } from './ademamix';
import { dana } from './dana';
import type { FusedOptimizer } from './fused-optimizer';
import { muon } from './muon';
import { adamwRef, adanaRef, ademamixRef, danaRef, muonRef, type MuonRefState } from './reference';
import { danaDelta } from './schedules';

const STEPS = 6;
let serial = 0;

/** Runs `opt` on one variable of `shape` over seeded gradients; returns its final values and the gradients used. */
async function run(opt: FusedOptimizer, shape: number[], seed: number): Promise<{ got: Float32Array; init: Float64Array; grads: Float64Array[] }> {
  const n = shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed);
  const init = Float64Array.from(rng.normalArray(n), Math.fround);
  const grads = Array.from({ length: STEPS }, () => Float64Array.from(rng.normalArray(n), Math.fround));
  const v = tf.variable(tf.tensor(Float32Array.from(init), shape), true, `opts_${serial++}`);
  for (const g of grads) {
    const gt = tf.tensor(Float32Array.from(g), shape);
    opt.applyGradients({ [v.name]: gt });
    gt.dispose();
  }
  const got = (await v.data()) as Float32Array;
  v.dispose();
  opt.dispose();
  return { got, init, grads };
}

/** A per-coordinate float64 reference run over the same gradients. */
function perCoordinate<S extends { theta: number }>(init: Float64Array, grads: Float64Array[], start: (x: number) => S, step: (s: S, g: number, t: number) => S): Float64Array {
  return init.map((x, j) => grads.reduce((s, g, i) => step(s, g[j]!, i + 1), start(x)).theta);
}

// 6 steps of ~15 float32 operations on O(1) weights from float32-rounded inputs: 2e-5 relative + 2e-6 absolute
// (each op adds ≤ 2^-24 relative; the ADANA family's division by √v + ε amplifies it by at most ~10 early on).
const tol = { rtol: 2e-5, atol: 2e-6 };
const adanaBase = { delta: 8, kappa: 0.85, eps: 1e-8, gamma3Factor: 1, clipSNR: Infinity };

describeEachBackend('new optimizer options match the float64 reference', () => {
  it('Adana wdTimescale: λ(t) = ω/(wdTimescale + t), overriding T/10', async () => {
    const { got, init, grads } = await run(adana({ learningRate: 0.02, totalSteps: 1000, wdTimescale: 7, omega: 3, noDecay: [] }), [4, 4], 1);
    const want = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, { ...adanaBase, lr: 0.02, scheduleFactor: 1, weightDecay: 3 / (7 + t) }));
    assertAllClose(got, want, { ...tol, label: 'wdTimescale' });
    // And T/10 would differ: the option is not ignored.
    const other = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, { ...adanaBase, lr: 0.02, scheduleFactor: 1, weightDecay: 3 / (100 + t) }));
    expect(Math.max(...got.map((x, i) => Math.abs(x - other[i]!)))).toBeGreaterThan(1e-3);
  });

  it('Adana constant weightDecay: θ ← θ·(1 − λ·s(t)) after the step, with a schedule', async () => {
    const sched = (t: number): number => 1 / (1 + 0.1 * t);
    const { got, init, grads } = await run(adana({ learningRate: 0.02, weightDecay: 0.05, schedule: sched, noDecay: [] }), [4, 4], 2);
    const want = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, { ...adanaBase, lr: 0.02 * sched(t), scheduleFactor: sched(t), weightDecay: 0.05 }));
    assertAllClose(got, want, { ...tol, label: 'constant weightDecay' });
  });

  it('AdEMAMix gamma3Factor scales the slow EMA term (α·γ3f·m2)', async () => {
    const { got, init, grads } = await run(ademamix({ learningRate: 0.01, alpha: 4, beta3: 0.99, gamma3Factor: 0.25 }), [4, 4], 3);
    const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, beta3: 0.99, alpha: 4 * 0.25 };
    assertAllClose(got, perCoordinate(init, grads, (x) => ({ theta: x, m1: 0, m2: 0, v: 0 }), (s, g, t) => ademamixRef(s, g, t, h)), { ...tol, label: 'gamma3Factor' });
  });

  it('layerwise DANA-constant: γ3 = c·γ2/(elements of the variable)', async () => {
    for (const shape of [[4, 4], [3, 5]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const { got, init, grads } = await run(dana({ learningRate: 0.1, variant: 'constant', layerwise: true, c: 2, delta: 8, noDecay: [] }), shape, 4 + n);
      const want = perCoordinate(init, grads, (x) => ({ theta: x, y: 0 }), (s, g, t) => danaRef(s, g, { Delta: danaDelta(t, 8), gamma1: 1, gamma2: 0.1, gamma3: (2 * 0.1) / n }));
      assertAllClose(got, want, { ...tol, label: `layerwise [${shape.join(', ')}]` });
    }
  });

  it("Muon scaling 'dMuon': lr·0.2·√max(rows, cols), AdamW fallback with the paper's β (0.8, 0.999)", async () => {
    const rows = 5;
    const cols = 3;
    const h = { lr: 0.05, momentum: 0.95, nesterov: true, weightDecay: 0.1 };
    const { got, init, grads } = await run(muon({ learningRate: 0.05, weightDecay: 0.1, scaling: 'dMuon' }), [rows, cols], 9);
    let s: MuonRefState = { theta: Float64Array.from(init), buf: new Float64Array(rows * cols) };
    for (const g of grads) s = muonRef(s, g, rows, cols, { ...h, dMuonRms: 0.2 });
    // Newton–Schulz in float32 (5 iterations of 3 products over ≤ 5 terms): a few 1e-6 relative per step.
    assertAllClose(got, s.theta, { rtol: 1e-4, atol: 1e-5, label: 'D-Muon 2-D' });
    const bias = await run(muon({ learningRate: 0.05, scaling: 'dMuon' }), [4], 10);
    const adamH = { lr: 0.05, beta1: 0.8, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
    assertAllClose(bias.got, perCoordinate(bias.init, bias.grads, (x) => ({ theta: x, m: 0, v: 0 }), (st, g, t) => adamwRef(st, g, t, adamH)), { ...tol, label: 'D-Muon fallback' });
  });
});
