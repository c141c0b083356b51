import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '../../rng/rng';
import { describeEachBackend } from '../../testing/backends';
import { GradScaler } from './index';
import { gradScaleReference } from './reference';
import { GradScaleWebGPU, gradScaleWebGPU, type SkipReport } from './webgpu';

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
      expect((await clip.data())[0]).toBeCloseTo(gradScaleReference(arrays, norm64 / 4), 5);
      tf.dispose([...grads, none, clip, loose]);
    });

    it('is 0 when any entry is NaN or Inf, in any tensor', async () => {
      for (const bad of [NaN, Infinity, -Infinity]) {
        const copy = arrays.map((a) => a.slice());
        copy[4]![123] = bad;
        const grads = copy.map((a) => tf.tensor1d(a));
        const s = gradScaleWebGPU(grads, undefined);
        expect((await s.data())[0]).toBe(0);
        expect(gradScaleReference(copy, undefined)).toBe(0);
        tf.dispose([...grads, s]);
      }
    });

    it('GradScaleWebGPU reuses its buffers across steps whose gradient lists change (many tensors per dispatch)', async () => {
      const scaler = new GradScaleWebGPU();
      // 20 tensors (several first-pass dispatches), then fewer and smaller ones: stale partials must not leak in.
      const lists = [Array.from({ length: 20 }, (_, i) => arrays[i % arrays.length]!), arrays.slice(3, 5), [arrays[1]!, arrays[0]!], arrays];
      for (const list of lists) {
        const n64 = Math.sqrt(list.reduce((a, x) => a + x.reduce((b, v) => b + v * v, 0), 0));
        const grads = list.map((a) => tf.tensor1d(a));
        const out = scaler.run(grads, n64 / 2, 1);
        expect((await out.data())[0]).toBeCloseTo(0.5, 5);
        tf.dispose(grads);
      }
      scaler.dispose();
    });

    it('GradScaleWebGPU counts skipped steps on the device; poll reports each once, one read at a time', async () => {
      const scaler = new GradScaleWebGPU();
      const reports: SkipReport[] = [];
      const fail = (e: Error): void => {
        throw e;
      };
      const good = arrays.map((a) => tf.tensor1d(a));
      const badArr = arrays.map((a) => a.slice());
      badArr[5]![7] = NaN;
      const bad = badArr.map((a) => tf.tensor1d(a));
      const steps = [good, bad, good, bad, bad, good];
      steps.forEach((grads, t) => {
        scaler.run(grads, undefined, t + 1);
        scaler.poll((r) => reports.push(r), fail); // only the first starts a read; the rest chain after it
      });
      for (let k = 0; k < 50 && reports.reduce((a, r) => a + r.skipped, 0) < 3; k++) await new Promise((r) => setTimeout(r, 10));
      expect(reports.reduce((a, r) => a + r.skipped, 0)).toBe(3);
      expect(reports.at(-1)!.lastStep).toBe(5);
      // Nothing new: no further report.
      scaler.run(good, undefined, 7);
      scaler.poll((r) => reports.push(r), fail);
      await new Promise((r) => setTimeout(r, 50));
      expect(reports.reduce((a, r) => a + r.skipped, 0)).toBe(3);
      scaler.dispose();
      tf.dispose([...good, ...bad]);
    });
  },
  ['webgpu'],
);

describeEachBackend('GradScaler', () => {
  const rng = createRng(5);
  const arrays = [0, 3, 1000, 4 * 301].map((n) => Float32Array.from(rng.normalArray(n)));
  const norm64 = Math.sqrt(arrays.reduce((a, x) => a + x.reduce((b, v) => b + v * v, 0), 0));
  const scaleOf = async (s: ReturnType<GradScaler['run']>): Promise<number> => (s.onHost ? s.scale : (await s.scale.data())[0]!);

  it('matches the float64 reference with and without clipping (host: float64 sum; device: float32, rel. error < 1e-5)', async () => {
    const scaler = new GradScaler();
    const grads = arrays.map((a) => tf.tensor1d(a));
    for (const clip of [undefined, norm64 / 3, norm64 * 2]) {
      const s = scaler.run(grads, clip, 1);
      expect(s.onHost).toBe(GradScaler.onHost());
      if (s.onHost) expect(s.nonFinite).toBe(-1);
      const want = gradScaleReference(arrays, clip);
      // Device: a float32 sum of ~2.2k squares, typical relative error sqrt(n)·2^-24 ≈ 3e-6 (the norm: half that).
      expect(Math.abs((await scaleOf(s)) - want)).toBeLessThanOrEqual((s.onHost ? 1e-12 : 1e-5) * want);
    }
    scaler.dispose();
    tf.dispose(grads);
  });

  it('flags a non-finite step: the first bad gradient on the host, a 0 scale on the device', async () => {
    const scaler = new GradScaler();
    const bad = arrays.map((a) => a.slice());
    bad[2]![17] = Number.NaN;
    const grads = bad.map((a) => tf.tensor1d(a));
    const s = scaler.run(grads, 1, 1);
    expect(gradScaleReference(bad, 1)).toBe(0);
    if (s.onHost) expect(s.nonFinite).toBe(2);
    else expect(await scaleOf(s)).toBe(0);
    scaler.dispose();
    tf.dispose(grads);
  });
});
