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
          const profiles: number[] = [];
          const r = await trainSteps(step, (i) => m.batch(i), {
            steps: 9,
            readEvery: 4,
            onProgress: (p) => seen.push(p.step),
            summary: { writer, tag: 'train/loss' },
            onDispatchProfile: (d) => profiles.push(d.length),
          });
          // The first replayed step is profiled (and is still a normal step: the parameters below match).
          expect(profiles).toEqual(backend === 'webgpu' ? [r.graphStats!.dispatches] : []);
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

  it('evaluates between steps without leaving the step graph, at the steps asked, and stops when told', async () => {
    if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', false);
    try {
      const first = async (): Promise<number> => Array.from(await tf.tidy(() => tf.concat(m.params.map((v) => tf.reshape(v, [-1])))).data())[0]!;
      let m = mlp([16, 32, 5], 8, 2);
      // Reference: the first parameter after each of 12 plain steps.
      const refOpt = tf.train.adam(1e-2);
      const refStep = optimizerStep(m, refOpt);
      const ref: number[] = [];
      for (let i = 0; i < 12; i++) {
        const b = m.batch(i);
        tf.dispose([refStep(b), ...b]);
        ref.push(await first());
      }
      m.dispose();
      refOpt.dispose();
      m = mlp([16, 32, 5], 8, 2);
      const opt = tf.train.adam(1e-2);
      const step = optimizerStep(m, opt);
      const seen: [number, number][] = [];
      // Evaluations after steps 1, 2 and 3 push the captured pair later; `every` 5 and the last step add 5, 10, 12.
      const r = await trainSteps(step, (i) => m.batch(i), { steps: 12, evaluate: { every: 5, at: [1, 2, 3], run: async (done) => void seen.push([done, await first()]) } });
      expect(seen.map(([d]) => d)).toEqual([1, 2, 3, 5, 10, 12]);
      seen.forEach(([d, v]) => expect(v).toBe(ref[d - 1]));
      expect(r.mode).toBe(backend === 'webgpu' ? 'graph' : 'eager');
      expect(r.steps).toBe(12);
      // Returning false stops after that step.
      const stops: number[] = [];
      const s = await trainSteps(step, (i) => m.batch(i), { steps: 20, evaluate: { every: 4, run: (done) => (stops.push(done), done < 8) } });
      expect(stops).toEqual([4, 8]);
      expect(s.steps).toBe(8);
      expect(s.losses.map((l) => l.step)).toEqual([3, 7]); // losses are read at evaluations too
      m.dispose();
      opt.dispose();
    } finally {
      if (backend === 'webgpu') tf.env().set('WEBGPU_CPU_FORWARD', true);
    }
  });

  it('captures a step that reads a small constant CPU forwarding kept on the host (the step before capture uploads it)', async () => {
    const w = tf.variable(tf.zeros([1, 8]));
    const a = tf.tensor2d([[1, 2, 3, 4, 5, 6, 7, 8]]);
    const b = tf.tensor2d([[8, 7, 6, 5, 4, 3, 2, 1]]);
    const step = ([x]: tf.Tensor[]) => {
      const c = tf.mul(a, b); // host inputs only: forwarded to the CPU when eager, on the GPU when captured
      const loss = tf.tidy(() => tf.sum(tf.square(tf.sub(tf.mul(w, c), x!))) as tf.Scalar);
      tf.tidy(() => w.assign(tf.add(w, tf.mul(0.01, tf.mul(c, tf.sub(x!, tf.mul(w, c)))))));
      c.dispose();
      return loss;
    };
    const r = await trainSteps(step, (i) => [tf.fill([1, 8], i % 3)], { steps: 8, evaluate: { at: [1], run: () => {} } });
    expect(r.mode).toBe(backend === 'webgpu' ? 'graph' : 'eager');
    expect(r.fallbackReason).toBeUndefined();
    tf.dispose([w, a, b]);
  });

  it('rejects unknown options and bad counts', async () => {
    const step = () => tf.scalar(0);
    await expect(trainSteps(step, () => [], { steps: 2, every: 3 } as never)).rejects.toThrow(/unknown key 'every'/);
    await expect(trainSteps(step, () => [], { steps: 0 })).rejects.toThrow(/trainSteps: steps must be a positive integer, got 0/);
    await expect(trainSteps(step, () => [], { steps: 2, summary: { writer: {} } } as never)).rejects.toThrow(/trainSteps: summary.writer.scalar must be a function/);
    await expect(trainSteps(step, () => [], { steps: 2, summary: { writer: { scalar: () => {} }, tags: 'x' } } as never)).rejects.toThrow(/summary has an unknown key 'tags'/);
    await expect(trainSteps(step, () => [], { steps: 2, summary: { writer: { scalar: () => {} }, tag: '' } })).rejects.toThrow(/summary.tag must be a non-empty string/);
    await expect(trainSteps(step, () => [], { steps: 2, evaluate: { every: 0, run: () => {} } })).rejects.toThrow(/trainSteps: evaluate.every must be a positive integer, got 0/);
    await expect(trainSteps(step, () => [], { steps: 2, evaluate: { at: [3], run: () => {} } })).rejects.toThrow(/trainSteps: evaluate.at\[0\]/);
    await expect(trainSteps(step, () => [], { steps: 2, evaluate: { every: 1 } } as never)).rejects.toThrow(/trainSteps: evaluate.run must be a function/);
  });
});
