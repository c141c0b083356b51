import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { adamw } from '@lemma/optim';
import { beforeAll, expect, it } from 'vitest';
import { cosineDecay, TFJS_ADAM_EPS } from './learning-rate';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

it('cosineDecay is 1 at step 1 and follows floor + (1 − floor)·½(1 + cos(π(t − 1)/T))', () => {
  const s = cosineDecay(10, 0.05);
  expect(s(1)).toBe(1);
  expect(s(6)).toBeCloseTo(0.05 + 0.95 * 0.5, 15);
  expect(s(11)).toBeCloseTo(0.05, 15);
  expect(() => cosineDecay(0, 0.1)).toThrow(/totalSteps/);
  expect(() => cosineDecay(5, 2)).toThrow(/floor/);
});

it('adamw without decay, with tfjs\' ε and cosineDecay, steps as tf.train.adam with the learning rate set before each step', async () => {
  const steps = 12;
  const lr0 = 0.01;
  const rng = createRng(3);
  const w0 = Float32Array.from(rng.normalArray(6));
  const xs = Array.from({ length: steps }, () => Float32Array.from(rng.normalArray(6)));
  const train = async (lemma: boolean): Promise<Float32Array> => {
    const w = tf.variable(tf.tensor1d(w0));
    const opt = lemma ? adamw({ learningRate: lr0, weightDecay: 0, eps: TFJS_ADAM_EPS, schedule: cosineDecay(steps, 0.02) }) : tf.train.adam(lr0);
    for (let s = 0; s < steps; s++) {
      // What the reproductions did before: the host sets the 0-based step's cosine-decayed rate on tf.train.adam.
      if (!lemma) (opt as unknown as { learningRate: number }).learningRate = lr0 * (0.02 + 0.98 * 0.5 * (1 + Math.cos((Math.PI * s) / steps)));
      opt.minimize(() => tf.sum(tf.square(tf.sub(w, tf.tensor1d(xs[s]!)))) as tf.Scalar, true)?.dispose();
    }
    const out = (await w.data()) as Float32Array;
    w.dispose();
    opt.dispose();
    return Float32Array.from(out);
  };
  const [a, b] = [await train(true), await train(false)];
  // Same update; only float32 rounding differs (tfjs accumulates β^t by products, @lemma/optim computes it in float64).
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(1e-6);
  expect(Math.abs(a[0]! - w0[0]!)).toBeGreaterThan(1e-3); // it moved
});
