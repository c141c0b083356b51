import * as tf from '@tensorflow/tfjs-core';
import { afterAll, expect, it } from 'vitest';
import { mlp, optimizerStep } from '../../bench/models';
import { releaseWebGPU } from '../backend/webgpu';
import { describeEachBackend } from '../testing/backends';
import { trainSteps } from './train-steps';

describeEachBackend('trainSteps', (backend) => {
  afterAll(() => releaseWebGPU());

  it('gives the parameters and losses of a plain loop that reads every step', async () => {
    // Same kernels in both runs on webgpu (capture turns CPU forwarding off).
    if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
    try {
      const run = async (loop: boolean) => {
        const m = mlp([16, 32, 5], 8, 2);
        const opt = tf.train.adam(1e-2);
        const step = optimizerStep(m, opt);
        const losses: number[] = [];
        let mode = 'eager';
        if (loop) {
          for (let i = 0; i < 9; i++) {
            const b = m.batch(i);
            const l = step(b);
            losses.push((await l.data())[0]!);
            tf.dispose([l, ...b]);
          }
        } else {
          const seen: number[] = [];
          const logged: [string, number, number][] = [];
          const writer = { scalar: (tag: string, value: number, s: number) => void logged.push([tag, value, s]) };
          const r = await trainSteps(step, (i) => m.batch(i), { steps: 9, readEvery: 4, onProgress: (p) => seen.push(p.step), summary: { writer, tag: 'train/loss' } });
          expect(r.losses.map((l) => l.step)).toEqual([3, 7, 8]);
          expect(seen).toEqual([3, 7, 8]);
          // Every loss read back is logged once, with its step, under the tag given.
          expect(logged).toEqual(r.losses.map((l) => ['train/loss', l.loss, l.step]));
          losses.push(...r.losses.map((l) => l.loss));
          mode = r.mode;
          expect(r.fallbackReason).toBeUndefined();
        }
        const p = await Promise.all(m.params.map(async (v) => Array.from(await v.data())));
        m.dispose();
        opt.dispose();
        return { losses, p, mode };
      };
      const before = tf.memory().numTensors;
      const ours = await run(false);
      expect(tf.memory().numTensors - before).toBe(0);
      const ref = await run(true);
      expect(ours.mode).toBe(backend === 'webgpu' ? 'graph' : 'eager');
      expect(ours.losses).toEqual([ref.losses[3], ref.losses[7], ref.losses[8]]);
      ours.p.forEach((p, i) => expect(p).toEqual(ref.p[i]));
    } finally {
      if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', true);
    }
  });

  it('rejects unknown options and bad counts', async () => {
    const step = () => tf.scalar(0);
    await expect(trainSteps(step, () => [], { steps: 2, every: 3 } as never)).rejects.toThrow(/unknown key 'every'/);
    await expect(trainSteps(step, () => [], { steps: 0 })).rejects.toThrow(/trainSteps: steps must be a positive integer, got 0/);
    await expect(trainSteps(step, () => [], { steps: 2, summary: { writer: {} } } as never)).rejects.toThrow(/trainSteps: summary.writer.scalar must be a function/);
    await expect(trainSteps(step, () => [], { steps: 2, summary: { writer: { scalar: () => {} }, tags: 'x' } } as never)).rejects.toThrow(/summary has an unknown key 'tags'/);
    await expect(trainSteps(step, () => [], { steps: 2, summary: { writer: { scalar: () => {} }, tag: '' } })).rejects.toThrow(/summary.tag must be a non-empty string/);
  });
});
