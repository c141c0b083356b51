import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { initMlp, trainMlp } from '../../lib/mlp-train';
import { layerMoments, weightedDimension } from './experiment';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

it('backprop matches tfjs autodiff (one step of plain SGD from the same init)', async () => {
  // One full-batch step at lr 1 without momentum moves every weight by exactly -grad.
  const n = 16;
  const x = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(i));
  const y = Uint8Array.from({ length: n }, (_, i) => i % 3);
  const plan = { sizes: [6, 5, 3], parametrisation: 'standard' as const, loss: 'softmaxCrossEntropy' as const, init: { kind: 'lecun' as const }, epochs: 1, batchSize: n, lr: 1, schedule: 'constant' as const, warmupSteps: 0, momentum: 0, seed: 9 };
  const w0 = initMlp(plan);
  const w1 = await trainMlp(plan, { x, y, n });
  const ks = w0.kernels.map((k, l) => tf.variable(tf.tensor2d(k, [plan.sizes[l]!, plan.sizes[l + 1]!])));
  const bs = w0.biases.map((b) => tf.variable(tf.tensor1d(b)));
  const { grads } = tf.variableGrads(() => {
    let h: tf.Tensor = tf.tensor2d(x, [n, 6]);
    for (let l = 0; l < 2; l++) {
      h = tf.add(tf.matMul(h, ks[l]!), bs[l]!);
      if (l === 0) h = tf.relu(h);
    }
    return tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), 3), h) as tf.Scalar;
  });
  for (let l = 0; l < 2; l++) {
    const g = await grads[ks[l]!.name]!.data();
    w1.kernels[l]!.forEach((v, i) => expect(v).toBeCloseTo(w0.kernels[l]![i]! - g[i]!, 5));
    const gb = await grads[bs[l]!.name]!.data();
    w1.biases[l]!.forEach((v, i) => expect(v).toBeCloseTo(w0.biases[l]![i]! - gb[i]!, 5));
  }
  tf.dispose([...ks, ...bs, ...Object.values(grads)]);
});

it('Dim(WΣWᵀ) equals Dim(WᵀW) when Σ = I and layerMoments returns E[xxᵀ]', async () => {
  const w = initMlp({ sizes: [4, 3, 2], init: { kind: 'lecun' }, seed: 1 });
  const eye = Float64Array.from({ length: 16 }, (_, i) => (i % 5 === 0 ? 1 : 0));
  // Kᵀ K and K Kᵀ share their nonzero spectrum, so both dimensions agree.
  const d1 = await weightedDimension(w.kernels[0]!, 4, 3, eye);
  let tr = 0;
  let tr2 = 0;
  const K = w.kernels[0]!;
  const G = new Float64Array(9);
  for (let a = 0; a < 3; a++) for (let b = 0; b < 3; b++) for (let i = 0; i < 4; i++) G[a * 3 + b]! += K[i * 3 + a]! * K[i * 3 + b]!;
  for (let a = 0; a < 3; a++) tr += G[a * 4]!;
  for (const v of G) tr2 += v * v;
  expect(d1).toBeCloseTo((tr * tr) / tr2, 4);
  const x = tf.tensor2d([1, 2, 0, 0, 0, 1, 1, 1], [2, 4]);
  const m = await layerMoments(w, x);
  expect(m.map((v) => v.dim)).toEqual([4, 3]);
  expect(m[0]!.data[0]).toBeCloseTo(0.5, 6); // (1² + 0²)/2
  expect(m[0]!.data[1]).toBeCloseTo(1, 6); // (1·2 + 0·1)/2
  x.dispose();
});
