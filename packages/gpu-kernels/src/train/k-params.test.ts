import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { randomNormal, randomUniform } from '../kernels/random/index';
import { describeEachBackend } from '../testing/backends';
import { kLayerVariables, kRandomVariable, kSliceModel, validateInit, validateK } from './k-params';

const seeds = [3, 0, 2 ** 40 + 1];

describeEachBackend('K-model parameters', () => {
  it('kRandomVariable: slice k is the tensor a lone model with seeds[k] draws (same stream), scaled by bound', async () => {
    for (const dist of ['uniform', 'normal'] as const) {
      const v = kRandomVariable(seeds, [4, 3], 5, dist, 0.25);
      expect(v.shape).toEqual([3, 4, 3]);
      expect(v.trainable).toBe(true);
      const got = await v.data();
      for (const [k, seed] of seeds.entries()) {
        const lone = kRandomVariable([seed], [4, 3], 5, dist, 0.25);
        expect(Array.from(got.subarray(12 * k, 12 * (k + 1)))).toEqual(Array.from(await lone.data()));
        lone.dispose();
        // The definition: U(0,1)·2 − 1 or N(0, 1), times bound, from stream 5 of seeds[k] (the same float32 ops).
        const raw = dist === 'uniform' ? randomUniform([4, 3], seed, { stream: 5 }) : randomNormal([4, 3], seed, { stream: 5 });
        const want = tf.tidy(() => tf.mul(dist === 'uniform' ? tf.sub(tf.mul(raw, 2), 1) : raw, 0.25));
        expect(Array.from(got.subarray(12 * k, 12 * (k + 1)))).toEqual(Array.from(await want.data()));
        tf.dispose([raw, want]);
      }
      if (dist === 'uniform') expect(got.every((x) => Math.abs(x) < 0.25)).toBe(true);
      v.dispose();
    }
    const zero = kRandomVariable(seeds, [2], 0, 'normal', 0);
    expect(Array.from(await zero.data())).toEqual([0, 0, 0, 0, 0, 0]);
    zero.dispose();
  });

  it("kLayerVariables: 'torch' is U(±1/√fanIn) for weight (stream 2l) and bias (2l + 1); 'he-normal' N(0, 2/fanIn) weights, zero biases", async () => {
    const fanIn = 16;
    const t = kLayerVariables(seeds, 2, [fanIn, 3], [3], fanIn, 'torch');
    const tw = kRandomVariable(seeds, [fanIn, 3], 4, 'uniform', 1 / Math.sqrt(fanIn));
    const tb = kRandomVariable(seeds, [3], 5, 'uniform', 1 / Math.sqrt(fanIn));
    expect(Array.from(await t.w.data())).toEqual(Array.from(await tw.data()));
    expect(Array.from(await t.b.data())).toEqual(Array.from(await tb.data()));
    const h = kLayerVariables(seeds, 1, [fanIn, 3], [3], fanIn, 'he-normal');
    const hw = kRandomVariable(seeds, [fanIn, 3], 2, 'normal', Math.sqrt(2 / fanIn));
    expect(Array.from(await h.w.data())).toEqual(Array.from(await hw.data()));
    expect(Array.from(await h.b.data())).toEqual(new Array(9).fill(0));
    expect(h.b.shape).toEqual([3, 3]);
    tf.dispose([t.w, t.b, tw, tb, h.w, h.b, hw]);
  });

  it('kSliceModel returns model k of every tensor as a new tensor without the model axis', async () => {
    const a = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]);
    const b = tf.tensor2d([9, 10, 11, 12], [2, 2]);
    const [a1, b1] = kSliceModel([a, b], 1);
    expect(a1!.shape).toEqual([2, 2]);
    expect(Array.from(await a1!.data())).toEqual([5, 6, 7, 8]);
    expect(Array.from(await b1!.data())).toEqual([11, 12]);
    expect(kSliceModel([], 0)).toEqual([]);
    tf.dispose([a1!, b1!]);
    expect(() => kSliceModel([a, b], 2)).toThrow('kSliceModel: k must be an integer in [0, 2), got 2');
    expect(() => kSliceModel([a, b], 0.5)).toThrow('kSliceModel: k must be an integer in [0, 2), got 0.5');
    const c = tf.zeros([3, 2]);
    expect(() => kSliceModel([a, c], 0)).toThrow('kSliceModel: tensors[1] must have leading model axis K = 2, got shape [3, 2]');
    tf.dispose([a, b, c]);
  });
});

it('validateK and validateInit reject bad counts, seeds and inits, naming the op and argument', () => {
  expect(() => validateK('kMlp', 2, [1, 2])).not.toThrow();
  expect(() => validateK('kMlp', 0, [])).toThrow(/kMlp: K must be/);
  expect(() => validateK('kMlp', 1.5, [1])).toThrow(/kMlp: K must be/);
  expect(() => validateK('kMlp', 2, [1])).toThrow(/kMlp: seeds must be an array of K = 2 seeds \(one per model\)/);
  expect(() => validateK('kMlp', 2, [1, -1])).toThrow(/kMlp: seeds\[1\] must be a safe non-negative integer/);
  expect(() => validateInit('kMlp', 'torch')).not.toThrow();
  expect(() => validateInit('kMlp', 'xavier')).toThrow("kMlp: init must be 'torch' or 'he-normal', got xavier");
});
