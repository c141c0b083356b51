import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { releaseWebGPU } from './webgpu';

describeEachBackend('kernel fixes', () => {
  afterAll(() => releaseWebGPU());

  it('tf.addN sums any number of tensors exactly (tfjs-webgpu alone is wrong from 8 inputs on)', async () => {
    for (const n of [2, 7, 8, 9, 15, 16, 40]) {
      const ts = Array.from({ length: n }, (_, i) => tf.tensor2d([[i + 1, 2 ** (i % 10)], [-i, 0.5]]));
      const before = tf.memory().numTensors;
      const s = tf.addN(ts);
      expect(tf.memory().numTensors - before).toBe(1); // the chunks' partial sums are freed
      const want = [0, 0, 0, 0];
      for (let i = 0; i < n; i++) [i + 1, 2 ** (i % 10), -i, 0.5].forEach((v, j) => (want[j] += v));
      expect(Array.from(await s.data())).toEqual(want);
      tf.dispose([s, ...ts]);
    }
  });
});
