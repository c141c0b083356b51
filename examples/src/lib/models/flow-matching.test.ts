import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { flowMatchingModel } from '@lemma/curated-retrain';
import { beforeAll, expect, it } from 'vitest';
import { TRAIN_TIMING_ENV } from '../timed-train-steps';
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

it("is the package's flowMatchingModel, bit for bit, with each fit timed through timedTrainSteps", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lemma-fm-'));
  const file = join(dir, 'timing.jsonl');
  process.env[TRAIN_TIMING_ENV] = file;
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
    const mid = tf.memory().numTensors;
    await ours.fit(data);
    await theirs.fit(data);
    expect(tf.memory().numTensors).toBe(mid);
    expect(Number.isFinite(ours.lastLoss)).toBe(true);
    expect(ours.lastLoss).toBe(theirs.lastLoss);
    const a = await ours.sample(300, createRng(11));
    const b = await theirs.sample(300, createRng(11));
    expect(Array.from(a.data)).toEqual(Array.from(b.data));
    const done = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { done: boolean; steps: number }).filter((l) => l.done);
    expect(done.map((l) => l.steps)).toEqual([25, 25, 25]);
  } finally {
    delete process.env[TRAIN_TIMING_ENV];
    ours.dispose();
    theirs.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
  expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
});
