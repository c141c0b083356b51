import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { flowMatchingModel } from '@lemma/curated-retrain';
import { beforeAll, expect, it } from 'vitest';
import { trainedFlowMatchingModel } from './flow-matching';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

/** 2-D points on two blobs. */
function blobs(n: number, seed: number) {
  const rng = createRng(seed);
  const data = Float64Array.from({ length: 2 * n }, (_, k) => (Math.floor(k / 2) % 2 ? 1.5 : -1) + 0.3 * rng.normal());
  return { n, dim: 2, data };
}

it('matches @lemma/curated-retrain\'s flowMatchingModel: same weights and noise streams, Adam equal up to float32 rounding', async () => {
  const data = blobs(200, 4);
  const opts = { seed: 7, stepsPerFit: 25, batchSize: 64, hidden: 16, layers: 2, sampleSteps: 6 };
  const ours = trainedFlowMatchingModel(opts);
  const theirs = flowMatchingModel(opts);
  const before = tf.memory().numTensors;
  try {
    for (let k = 0; k < 2; k++) {
      await ours.fit(data);
      await theirs.fit(data);
    }
    // No tensor left behind by a fit (the optimizer's slots were created by the first one).
    await ours.fit(data);
    const mid = tf.memory().numTensors;
    await ours.fit(data);
    expect(tf.memory().numTensors).toBe(mid);
    await theirs.fit(data);
    await theirs.fit(data);
    expect(Number.isFinite(ours.lastLoss)).toBe(true);
    expect(Math.abs(ours.lastLoss - theirs.lastLoss)).toBeLessThan(1e-4 * Math.max(1, theirs.lastLoss));
    const a = await ours.sample(300, createRng(11));
    const b = await theirs.sample(300, createRng(11));
    let worst = 0;
    for (let i = 0; i < a.data.length; i++) worst = Math.max(worst, Math.abs(a.data[i]! - b.data[i]!));
    // 100 Adam steps of a float32 MLP: rounding differences grow but stay far below the data's scale (~1).
    expect(worst).toBeLessThan(1e-3);
  } finally {
    ours.dispose();
    theirs.dispose();
  }
  expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
});

it('refuses a sample before any fit, and bad sizes', async () => {
  const m = trainedFlowMatchingModel({ seed: 1, stepsPerFit: 2 });
  try {
    await expect(m.sample(4, createRng(0))).rejects.toThrow(/call fit\(\) first/);
    await expect(m.fit({ n: 2, dim: 3, data: new Float64Array(6) })).rejects.toThrow(/dimension 2/);
  } finally {
    m.dispose();
  }
  expect(() => trainedFlowMatchingModel({ seed: 1, hidden: 0 })).toThrow(/hidden must be an integer >= 1/);
});
