import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it } from 'vitest';
import { gradScaleWebGPU } from './grad-scale-webgpu';

describeEachBackend(
  'gradScaleWebGPU',
  () => {
    const rng = createRng(11);
    // Sizes straddle the workgroup (256) and the partials grid (512 workgroups), including empty tensors.
    const sizes = [0, 1, 255, 257, 1000, 512 * 256 + 3];
    const arrays = sizes.map((n) => Float32Array.from(rng.normalArray(n)));
    const norm64 = Math.sqrt(arrays.reduce((a, x) => a + x.reduce((b, v) => b + v * v, 0), 0));

    it('is 1 without clipping and min(1, c/||g||) with it (float32 sum vs float64: rel. error < 1e-5)', async () => {
      const grads = arrays.map((a) => tf.tensor1d(a));
      const none = gradScaleWebGPU(grads, undefined);
      const clip = gradScaleWebGPU(grads, norm64 / 4);
      const loose = gradScaleWebGPU(grads, norm64 * 4);
      expect((await none.data())[0]).toBe(1);
      expect((await clip.data())[0]).toBeCloseTo(0.25, 5);
      expect((await loose.data())[0]).toBe(1);
      tf.dispose([...grads, none, clip, loose]);
    });

    it('is 0 when any entry is NaN or Inf, in any tensor', async () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const copy = arrays.map((a) => a.slice());
        copy[4]![123] = bad;
        const grads = copy.map((a) => tf.tensor1d(a));
        const s = gradScaleWebGPU(grads, undefined);
        expect((await s.data())[0]).toBe(0);
        tf.dispose([...grads, s]);
      }
    });
  },
  ['webgpu'],
);
