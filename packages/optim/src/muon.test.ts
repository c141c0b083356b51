import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { it } from 'vitest';
import { muon } from './muon';
import { adamwRef, muonRef, type AdamWRefState, type MuonRefState } from './reference';

let counter = 0;

describeEachBackend('Muon matches the float64 reference of its full step', () => {
  const STEPS = 4;
  // A tall matrix (transposed inside Newton–Schulz, scale √(5/3)), a wide one and a bias (AdamW fallback).
  const shapes: Record<string, [number, number] | [number]> = { tall: [5, 3], wide: [3, 4], bias: [4] };
  const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

  for (const nesterov of [true, false]) {
    it(`nesterov ${nesterov}: ${STEPS} steps, 2-D weights decayed, bias on AdamW`, async () => {
      const rng = createRng(nesterov ? 11 : 12);
      const lr = 0.1;
      const h = { lr, momentum: 0.9, nesterov, weightDecay: 0.1 };
      const adam = { lr: 0.05, beta1: 0.8, beta2: 0.999, eps: 1e-8, weightDecay: 0 };
      const opt = muon({ learningRate: lr, momentum: 0.9, nesterov, weightDecay: 0.1, adam: { learningRate: 0.05, beta1: 0.8, beta2: 0.999 } });
      const tag = `muon${counter++}`;
      const init = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, Float64Array.from(rng.normalArray(size(s)))]));
      const grads = Array.from({ length: STEPS }, () =>
        Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, Float64Array.from(rng.normalArray(size(s)))])),
      );
      const vars = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [k, tf.variable(tf.tensor(Float32Array.from(init[k]!), s), true, `${tag}_${k}`)]));
      for (const step of grads) {
        const gt = Object.fromEntries(Object.entries(shapes).map(([k, s]) => [`${tag}_${k}`, tf.tensor(Float32Array.from(step[k]!), s)]));
        opt.applyGradients(gt);
        tf.dispose(Object.values(gt));
      }
      const got = Object.fromEntries(await Promise.all(Object.entries(vars).map(async ([k, v]) => [k, (await v.data()) as Float32Array] as const)));
      tf.dispose(Object.values(vars));
      opt.dispose();

      // Reference from the float32-rounded inputs the optimizer saw.
      const r32 = (x: Float64Array): Float64Array => Float64Array.from(Float32Array.from(x));
      for (const k of ['tall', 'wide'] as const) {
        const [rows, cols] = shapes[k] as [number, number];
        let s: MuonRefState = { theta: r32(init[k]!), buf: new Float64Array(rows * cols) };
        for (const step of grads) s = muonRef(s, r32(step[k]!), rows, cols, h);
        // Newton–Schulz in float32: 5 iterations of 3 matrix products over ≤ 5 terms, each adding ~k·2⁻²⁴ ≈ 3e-7
        // relative error to O(1) entries, which the quintic's slope (|p'(σ)| ≤ a ≈ 3.4 per iteration) may amplify:
        // a worst case of ~1e-5 on the orthogonalised update O, and momentum feeds each step's rounding into the
        // next. θ moves by lr·√max(1, rows/cols)·O, so its error is ~lr·1e-5 plus the float32 rounding of θ = O(1)
        // each step (~6e-8·|θ|). Observed: ≤ 4e-7 absolute = 4e-6·lr on cpu, wasm and webgpu (lavapipe); the
        // bound below is 1e-4·lr + 2e-6·|θ| (25× margin), while a wrong shape scale or momentum form is off by ≳ 1e-2.
        assertAllClose(got[k]!, s.theta, { rtol: 2e-6, atol: 1e-4 * lr, label: `Muon ${k}` });
      }
      let b = Array.from(r32(init.bias!), (theta): AdamWRefState => ({ theta, m: 0, v: 0 }));
      grads.forEach((step, i) => {
        const g = r32(step.bias!);
        b = b.map((s, j) => adamwRef(s, g[j]!, i + 1, adam));
      });
      // Elementwise AdamW in float32 ops: the same tolerance as the other optimizers' reference tests.
      assertAllClose(got.bias!, b.map((s) => s.theta), { rtol: 2e-5, atol: 2e-6, label: 'Muon bias (AdamW)' });
    });
  }
});
