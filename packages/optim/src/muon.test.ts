import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { muon, muonScale } from './muon';
import { adamwRef, muonRef, newtonSchulzRef, type AdamWRefState, type MuonRefState } from './reference';

let counter = 0;

describeEachBackend('Muon matches the float64 reference of its full step', () => {
  const STEPS = 4;
  // A tall kernel [5, 3] (transposed inside Newton–Schulz; torch weight [3, 5], scale 1), a wide one [3, 4] (scale
  // √(4/3)) and a bias (AdamW fallback).
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

/** Row-major transpose of a rows×cols matrix. */
function transpose(a: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = a[i * cols + j]!;
  return out;
}

describeEachBackend("Muon's shape scale follows torch's [out, in] orientation (tfjs kernels are [in, out])", () => {
  it('a Dense(8→2) kernel [8, 2] (torch Linear(8, 2).weight [2, 8]) gets scale √max(1, 2/8) = 1, not the former 2', async () => {
    const [fanIn, fanOut] = [8, 2];
    const n = fanIn * fanOut;
    const rng = createRng(41);
    const init = Float64Array.from(rng.normalArray(n), Math.fround);
    const grads = Array.from({ length: 3 }, () => Float64Array.from(rng.normalArray(n), Math.fround));
    const lr = 0.05;
    const opt = muon({ learningRate: lr, momentum: 0.9, nesterov: true });
    const v = tf.variable(tf.tensor2d(Float32Array.from(init), [fanIn, fanOut]), true, `muon_dense_${counter++}`);
    for (const g of grads) tf.tidy(() => opt.applyGradients({ [v.name]: tf.tensor2d(Float32Array.from(g), [fanIn, fanOut]) }));
    const got = Float64Array.from(await v.data());
    v.dispose();
    opt.dispose();

    // torch, in torch's layout (KellerJordan `Muon.step`): W [out, in] = θᵀ; buf ← μ·buf + G; U = G + μ·buf;
    // W ← W − lr·√max(1, W.size(-2)/W.size(-1))·NS₅(U), here √max(1, 2/8) = 1.
    const torchStep = (scaleOverride?: number): Float64Array => {
      let W = transpose(init, fanIn, fanOut);
      let buf = new Float64Array(n);
      for (const g of grads) {
        const G = transpose(g, fanIn, fanOut);
        buf = buf.map((b, i) => 0.9 * b + G[i]!);
        const U = G.map((x, i) => x + 0.9 * buf[i]!);
        const O = newtonSchulzRef(U, fanOut, fanIn);
        const scale = scaleOverride ?? Math.sqrt(Math.max(1, fanOut / fanIn));
        W = W.map((w, i) => w - lr * scale * O[i]!);
      }
      return transpose(W, fanOut, fanIn);
    };
    const want = torchStep();
    // Newton–Schulz in float32 over 3 steps (see the test above): 1e-4·lr absolute + 2e-6 relative.
    assertAllClose(got, want, { rtol: 2e-6, atol: 1e-4 * lr, label: 'Muon Dense(8→2)' });
    // The former orientation (√max(1, 8/2) = 2) is far outside that tolerance: the steps differ by lr·|O| ≈ 1e-2.
    const old = torchStep(2);
    expect(Math.max(...Array.from(got, (x, i) => Math.abs(x - old[i]!)))).toBeGreaterThan(1e-3);
    expect(muonScale({}, [8, 2])).toBe(1);
    expect(muonScale({}, [2, 8])).toBe(2); // Dense(2→8): torch's Linear(2, 8).weight is [8, 2], √(8/2)
    expect(muonScale({ scaling: 'dMuon' }, [8, 2])).toBeCloseTo(0.2 * Math.sqrt(8), 15); // symmetric
  });
});
