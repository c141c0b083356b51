import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { it } from 'vitest';
import { dana } from './dana';
import type { FusedOptimizer } from './fused-optimizer';
import { muon } from './muon';
import { adamwRef, danaRef, muonRef, type MuonRefState } from './reference';
import { danaDelta } from './schedules';
import { perCoordinate, runSeeded as run, TRAJECTORY_TOL } from './test-trajectories';

const tol = TRAJECTORY_TOL;

describeEachBackend('new optimizer options match the float64 reference', () => {
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
