import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { trainLoop } from './train-loop';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** A small compiled classifier with fixed initial weights (tfjs initialisers are unseeded). */
function model(): tfl.LayersModel {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5], units: 8, activation: 'relu' }), tfl.layers.dense({ units: 3 })] });
  m.setWeights(m.getWeights().map((w, i) => tf.tidy(() => tf.reshape(tf.sin(tf.mul(tf.range(1, w.size + 1), 0.7 + i)), w.shape))));
  m.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
  return m;
}

/** Deterministic batch of step t: 6 rows of 5 features and integer labels in [0, 3). */
function batchAt(t: number): { x: tf.Tensor; y: tf.Tensor } {
  const x = Float32Array.from({ length: 30 }, (_, i) => Math.cos(0.37 * (i + 1) * (t + 1)));
  const y = Float32Array.from({ length: 6 }, (_, i) => (i + t) % 3);
  return { x: tf.tensor2d(x, [6, 5]), y: tf.tensor2d(y, [6, 1]) };
}

it('gives the weights and losses of a trainOnBatch loop, evaluating after each span and the last step', async () => {
  const ref = model();
  const refLoss: number[] = [];
  for (let t = 0; t < 7; t++) {
    const { x, y } = batchAt(t);
    refLoss.push((await ref.trainOnBatch(x, y)) as number);
    tf.dispose([x, y]);
  }
  const m = model();
  const before = tf.memory().numTensors;
  const evals: number[] = [];
  const seen: { step: number; loss: number }[] = [];
  const ms = await trainLoop(m, {
    steps: 7,
    batchAt,
    evalEvery: 3,
    readEvery: 2,
    onEval: async (s) => {
      evals.push(s);
    },
    onProgress: (p) => seen.push(p),
  });
  // Adam's two slots per weight are the only new tensors: batches and step outputs are all disposed.
  expect(tf.memory().numTensors - before).toBe(2 * m.trainableWeights.length);
  expect(evals).toEqual([3, 6, 7]);
  // Reads every 2 steps, plus at each evaluation; steps are 1-based.
  expect(seen.map((p) => p.step)).toEqual([2, 3, 4, 6, 7]);
  expect(seen.map((p) => p.loss)).toEqual([2, 3, 4, 6, 7].map((s) => refLoss[s - 1]));
  const [a, b] = [ref.getWeights(), m.getWeights()];
  for (let i = 0; i < a.length; i++) expect(Array.from(await b[i]!.data())).toEqual(Array.from(await a[i]!.data()));
  expect(ms).toBeGreaterThan(0);
  for (const x of [ref, m]) {
    x.optimizer.dispose();
    x.dispose();
  }
});

it('refuses an uncompiled model and a non-integer span', async () => {
  const m = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [5], units: 3 })] });
  const o = { steps: 2, batchAt, evalEvery: 1, onEval: async () => {} };
  await expect(trainLoop(m, o)).rejects.toThrow(/must be compiled/);
  m.compile({ optimizer: tf.train.sgd(0.1), loss: 'sparseCategoricalCrossentropy' });
  await expect(trainLoop(m, { ...o, evalEvery: 0 })).rejects.toThrow(/evalEvery must be an integer >= 1, got 0/);
  await expect(trainLoop(m, { ...o, steps: 1.5 })).rejects.toThrow(/steps must be an integer >= 1, got 1.5/);
  m.optimizer.dispose();
  m.dispose();
});
