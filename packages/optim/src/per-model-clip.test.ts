import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { clipPerModel } from './per-model-clip';

/** float64 reference: model k's norm over slice k of every gradient, factor min(1, c / (norm + 1e-6)), applied to slice k. */
function clipReference(grads: { values: Float64Array; shape: number[] }[], K: number, clipNorm: number): Float64Array[] {
  const sumSq = new Float64Array(K);
  for (const g of grads) {
    const per = g.values.length / K;
    for (let i = 0; i < g.values.length; i++) sumSq[Math.floor(i / per)]! += g.values[i]! ** 2;
  }
  const factor = Array.from(sumSq, (s) => (Number.isFinite(s) ? Math.min(1, clipNorm / (Math.sqrt(s) + 1e-6)) : Number.NaN));
  return grads.map((g) => {
    const per = g.values.length / K;
    return g.values.map((v, i) => v * factor[Math.floor(i / per)]!);
  });
}

describeEachBackend('clipPerModel', () => {
  it('clips each model by its own global norm over all gradients (float64 reference)', async () => {
    const K = 3;
    const rng = createRng(5);
    const shapes = [[K, 4, 5], [K, 5], [K]];
    // Model 0 large (clipped), model 1 tiny (factor 1), model 2 zero (factor 1, stays 0).
    const scaleOf = [10, 1e-3, 0];
    const grads = shapes.map((shape) => {
      const n = shape.reduce((a, b) => a * b, 1);
      const per = n / K;
      const values = Float64Array.from(rng.normalArray(n), (v, i) => Math.fround(v * scaleOf[Math.floor(i / per)]!));
      return { values, shape };
    });
    const tensors = grads.map((g) => tf.tensor(Float32Array.from(g.values), g.shape));
    const before = tf.memory().numTensors;
    const out = clipPerModel(tensors, K, 1.5);
    expect(tf.memory().numTensors).toBe(before + 3); // only the outputs remain
    const want = clipReference(grads, K, 1.5);
    for (const [i, o] of out.entries()) {
      expect(o.shape).toEqual(shapes[i]);
      // A float32 sum of 31 squares, sqrt, one divide and one multiply: 31·4 ulps relative suffices (float32SumTolerance's form).
      assertAllClose(await o.data(), want[i]!, { rtol: 4 * 31 * 2 ** -24, atol: 1e-12, label: `grads[${i}]` });
    }
    // The clipped model's global norm is clipNorm (up to the 1e-6 in the denominator).
    let norm0 = 0;
    for (const o of out) {
      const d = await o.data();
      const per = d.length / K;
      for (let j = 0; j < per; j++) norm0 += d[j]! ** 2;
    }
    expect(Math.abs(Math.sqrt(norm0) - 1.5)).toBeLessThan(1e-5);
    tf.dispose([...tensors, ...out]);
  });

  it('a non-finite gradient in one model makes only that model NaN, everywhere; inputs are unchanged', async () => {
    const a = tf.tensor2d([[1, Number.NaN], [3, 4]]);
    const b = tf.tensor2d([[5], [6]]);
    const [ca, cb] = clipPerModel([a, b], 2, 100);
    expect(Array.from(await ca!.data()).slice(0, 2).every(Number.isNaN)).toBe(true);
    expect(Number.isNaN((await cb!.data())[0]!)).toBe(true);
    // Model 1: norm sqrt(9 + 16 + 36) = 7.8 < 100, factor 1.
    expect(Array.from(await ca!.data()).slice(2)).toEqual([3, 4]);
    expect((await cb!.data())[1]).toBe(6);
    expect(Array.from(await a.data()).slice(2)).toEqual([3, 4]);
    tf.dispose([a, b, ca!, cb!]);
    expect(clipPerModel([], 2, 1)).toEqual([]);
  });

  it('rejects bad model counts, clip norms and gradients, naming the argument', () => {
    const g = tf.zeros([2, 3]);
    const s = tf.scalar(1);
    expect(() => clipPerModel([g], 0, 1)).toThrow(/clipPerModel: models must be/);
    expect(() => clipPerModel([g], 2, 0)).toThrow(/clipPerModel: clipNorm must be/);
    expect(() => clipPerModel([g], 2, Number.NaN)).toThrow(/clipPerModel: clipNorm must be/);
    expect(() => clipPerModel([g, g], 3, 1)).toThrow(/clipPerModel: grads\[0\] must be a tensor with first dimension 3 \(models\)/);
    expect(() => clipPerModel([g, s], 2, 1)).toThrow(/clipPerModel: grads\[1\] must be a tensor with first dimension 2 \(models\)/);
    expect(() => clipPerModel([g, [1, 2] as unknown as tf.Tensor], 2, 1)).toThrow(/clipPerModel: grads\[1\] must be/);
    tf.dispose([g, s]);
  });
});
