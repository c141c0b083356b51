import * as tf from '@tensorflow/tfjs-core';
import { kCrossEntropy, selectBackend } from '@lemma/gpu-kernels';
import { adamw } from '@lemma/optim';
import { beforeAll, expect, it } from 'vitest';
import { kTinyGPT } from './k-tiny-gpt';
import { nonEmbeddingParams, tinyGPT } from './tiny-gpt';

beforeAll(async () => {
  await selectBackend('cpu');
});

const V = 7, L = 6, d = 8, layers = 2, heads = 2;

/** Deterministic character ids [K, B·L] (model k's rows differ). */
function ids(K: number, B: number, salt = 0): tf.Tensor2D {
  return tf.tensor2d(Int32Array.from({ length: K * B * L }, (_, i) => (i * 5 + 3 * Math.floor(i / (B * L)) + salt + ((i * i) % 3)) % V), [K, B * L], 'int32');
}
const oneHot = (t: tf.Tensor2D, B: number) => tf.reshape(tf.cast(tf.oneHot(t, V), 'float32'), [t.shape[0], B, L, V]) as tf.Tensor4D;
const maxAbs = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};

it('K = 1 gives the layers tinyGPT of the same seed: same parameter counts, same next-character distributions', async () => {
  const B = 3;
  for (const seed of [0, 5]) {
    const model = tinyGPT(V, L, d, layers, heads, seed);
    const net = kTinyGPT(V, L, d, layers, heads, [seed]);
    expect(net.countParams()).toBe(model.countParams());
    expect(net.nonEmbeddingParams()).toBe(nonEmbeddingParams(model));
    const x = oneHot(ids(1, B, seed), B);
    const want = await (model.predict(tf.squeeze(x, [0])) as tf.Tensor).data();
    const got = tf.softmax(net.forward(x));
    // The same ops on the same float32 weights, except LayerNorm's x·rsqrt(v + ε) for tinyGPT's x / sqrt(v + ε)
    // (≤ 1 ulp each) and the head's fused bias add: a few float32 ulps through two blocks (measured 1.5e-8 on
    // probabilities ~0.14, one ulp). 1e-6 leaves ~60× room and is far below any modelling difference (a wrong mask,
    // head order or missing bias moves them by > 1e-3).
    expect(maxAbs(await got.data(), want)).toBeLessThan(1e-6);
    tf.dispose([x, got]);
    model.dispose();
    net.dispose();
  }
});

it('K models: slice k of the forward pass and of the gradient is seed k alone; a shared batch broadcasts', async () => {
  const seeds = [2, 9, 4];
  const B = 2;
  const net = kTinyGPT(V, L, d, layers, heads, seeds);
  const lone = seeds.map((s) => kTinyGPT(V, L, d, layers, heads, [s]));
  const y = ids(3, B, 1);
  const x = oneHot(ids(3, B), B);
  const all = await net.forward(x).data();
  const n = B * L * V;
  const grads = (m: ReturnType<typeof kTinyGPT>, xs: tf.Tensor4D, ys: tf.Tensor) => {
    const K = m.K;
    const { grads: g } = tf.variableGrads(() => kCrossEntropy(tf.reshape(m.forward(xs), [K, B * L, V]), ys), m.variables());
    return m.variables().map((v) => g[v.name]!);
  };
  const gAll = grads(net, x, y);
  for (const [k, m] of lone.entries()) {
    const xk = tf.slice(x, [k], [1]);
    const yk = tf.slice(y, [k], [1]);
    // The cpu backend runs each batch of a batched matMul with the K = 1 loop: the same float32 arithmetic.
    expect(maxAbs(all.subarray(k * n, (k + 1) * n), await m.forward(xk).data())).toBeLessThan(1e-6);
    // kCrossEntropy sums the models' mean losses: model k's gradient is its lone gradient, unscaled.
    const gk = grads(m, xk, yk);
    for (const [i, g] of gk.entries()) {
      const slice = tf.slice(gAll[i]!, [k], [1]);
      const scale = Math.max(...(await tf.abs(g).data()));
      expect(maxAbs(await slice.data(), await g.data())).toBeLessThanOrEqual(1e-6 * Math.max(scale, 1e-3));
    }
  }
  // A shared batch [1, B, L, V] is model-k's batch for every k.
  const shared = tf.slice(x, [0], [1]);
  const viaShared = await net.forward(shared).data();
  const viaTiled = await net.forward(tf.tile(shared, [3, 1, 1, 1])).data();
  expect(maxAbs(viaShared, viaTiled)).toBeLessThan(1e-6);
  // Different seeds are different models.
  expect(maxAbs(all.subarray(0, n), all.subarray(n, 2 * n))).toBeGreaterThan(1e-3);
  net.dispose();
  lone.forEach((m) => m.dispose());
});

it("names and shapes keep noDecay 'auto': embeddings match /embed/i, biases and norm parameters are rank 1 per model", () => {
  const net = kTinyGPT(V, L, d, 1, heads, [0, 1]);
  const vs = net.variables();
  const embed = vs.filter((v) => /embed/i.test(v.name));
  expect(embed.map((v) => v.shape)).toEqual([[2, V, d], [2, L, d]]);
  // Per model (the shape after the model axis): rank ≤ 1 exactly for tinyGPT's biases and LayerNorm γ, β.
  const rank1 = vs.filter((v) => v.shape.length - 1 <= 1).map((v) => v.name.replace(/^k_tiny_gpt_\d+\//, ''));
  expect(rank1).toEqual(['block0/ln1_gamma', 'block0/ln1_beta', 'block0/ln2_gamma', 'block0/ln2_beta', 'block0/mlp_in_bias', 'block0/mlp_out_bias', 'ln_f/lnf_gamma', 'ln_f/lnf_beta', 'head/bias']);
  for (const v of vs) expect(v.shape[0]).toBe(2);
  net.dispose();
});

it('K = 1 trains like the layers tinyGPT: the same loss curve under AdamW with warm-up, cosine and clipping', async () => {
  const B = 4, T = 10;
  const seed = 1;
  // The same no-decay set for both (named, since 'auto' sees [1, n] as rank 2 until it reads the per-model shape).
  const make = (scale?: number[]) =>
    adamw({ learningRate: 0.01, schedule: { kind: 'warmupCosine', totalSteps: T, warmupSteps: 1, floor: 0.1 }, clipNorm: 0.5, beta1: 0.9, beta2: 0.999, weightDecay: 4 / (0.01 * T), noDecay: /embed|gamma|beta|bias/i, ...(scale ? { learningRateScale: scale } : {}) });
  const model = tinyGPT(V, L, d, layers, heads, seed);
  model.compile({ optimizer: make(), loss: 'sparseCategoricalCrossentropy' });
  const net = kTinyGPT(V, L, d, layers, heads, [seed]);
  const opt = make([1]);
  const a: number[] = [];
  const b: number[] = [];
  for (let t = 0; t < T; t++) {
    const xi = ids(1, B, t);
    const yi = tf.tensor2d(Int32Array.from(await xi.data(), (v, i) => (v + 1 + (i % 2)) % V), [1, B * L], 'int32');
    const x = oneHot(xi, B);
    a.push((await model.trainOnBatch(tf.squeeze(x, [0]), tf.reshape(tf.cast(yi, 'float32'), [B, L, 1]))) as number);
    const l = opt.minimize(() => kCrossEntropy(tf.reshape(net.forward(x), [1, B * L, V]), yi), true, net.variables())!;
    b.push((await l.data())[0]!);
    tf.dispose([xi, yi, x, l]);
  }
  // Float32 differences of the forward pass (above) and of the loss (log-softmax here, tinyGPT's log of clipped
  // softmax probabilities) can grow through Adam's g/√v over the steps (measured: 1.2e-7 nats after 10 steps, one
  // ulp of a loss ~2); 1e-5 allows ~80× that, while the ten steps move the loss by > 0.05 (checked below).
  expect(maxAbs(a, b)).toBeLessThan(1e-5);
  expect(b.at(-1)!).toBeLessThan(b[0]! - 0.05); // it trains
  model.optimizer.dispose();
  model.dispose();
  opt.dispose();
  net.dispose();
});
