import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it, vi } from 'vitest';
import { StepGuard } from './step-guard';

describeEachBackend(
  'StepGuard on the host (scale computed synchronously)',
  () => {
    it('scale is the global-norm clip factor min(1, c / (‖g‖ + 1e-6)) over all gradients, 1 without clipNorm', () => {
      const a = tf.tensor1d([3, 0]);
      const b = tf.tensor2d([[0, 4]]);
      // ‖g‖ = 5 exactly: factor 2 / (5 + 1e-6) in float64 (the host sums in float64).
      const d = new StepGuard('AdamW', { learningRate: 1, clipNorm: 2 }).decide(['a', 'b'], [a, b], 1);
      expect(d.skip).toBe(false);
      expect(Math.abs((d as { scale: number }).scale - 2 / (5 + 1e-6))).toBeLessThan(1e-7);
      expect(new StepGuard('AdamW', { learningRate: 1, clipNorm: 10 }).decide(['a', 'b'], [a, b], 1)).toEqual({ skip: false, scale: 1 });
      expect(new StepGuard('AdamW', { learningRate: 1 }).decide(['a', 'b'], [a, b], 1)).toEqual({ skip: false, scale: 1 });
      // With learningRateScale the clip was done per model beforehand: the guard only checks finiteness.
      expect(new StepGuard('AdamW', { learningRate: 1, clipNorm: 2, learningRateScale: [1] }).decide(['a', 'b'], [a, b], 1)).toEqual({ skip: false, scale: 1 });
      tf.dispose([a, b]);
    });

    it("a non-finite gradient: 'skip' warns naming the variable and step and skips; 'error' throws the same message", () => {
      const ok = tf.tensor1d([1, 2]);
      const bad = tf.tensor1d([1, Number.POSITIVE_INFINITY]);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect(new StepGuard('Adana', { learningRate: 1 }).decide(['w', 'b'], [ok, bad], 7)).toEqual({ skip: true });
      expect(warn).toHaveBeenCalledWith("Adana: non-finite gradient for 'b' at step 7; step skipped");
      // A step given as a function (replayed step graphs) is read for the message.
      new StepGuard('Adana', { learningRate: 1, clipNorm: 1 }).decide(['w', 'b'], [bad, ok], () => 12);
      expect(warn).toHaveBeenLastCalledWith("Adana: non-finite gradient for 'w' at step 12; step skipped");
      warn.mockRestore();
      expect(() => new StepGuard('Adana', { learningRate: 1, nonFinite: 'error' }).decide(['w', 'b'], [ok, bad], 3)).toThrow("Adana: non-finite gradient for 'b' at step 3");
      tf.dispose([ok, bad]);
    });

    it('with sources (per-model clipped gradients) the culprit is the first non-finite unclipped gradient, or an overflow', () => {
      const clippedNaN = [tf.tensor1d([Number.NaN]), tf.tensor1d([Number.NaN])];
      const sources = [tf.tensor1d([1]), tf.tensor1d([Number.NaN])];
      const guard = new StepGuard('AdamW', { learningRate: 1, nonFinite: 'error', learningRateScale: [1] });
      expect(() => guard.decide(['w', 'b'], clippedNaN, 2, sources)).toThrow("AdamW: non-finite gradient for 'b' at step 2");
      const finite = [tf.tensor1d([3e30]), tf.tensor1d([1])];
      expect(() => guard.decide(['w', 'b'], clippedNaN, 2, finite)).toThrow('AdamW: non-finite gradient (the float32 sum of squares of a model overflows) at step 2');
      guard.throwPending(); // nothing pending on the host path
      guard.dispose();
      tf.dispose([...clippedNaN, ...sources, ...finite]);
    });
  },
  ['cpu', 'wasm'],
);

describeEachBackend(
  'StepGuard on webgpu (scale kept on the device)',
  () => {
    it('returns a device scale (0 for a non-finite step) and reports skipped steps after reading the counter', async () => {
      const ok = tf.tensor1d([3, 4]);
      const bad = tf.tensor1d([Number.NaN, 4]);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const guard = new StepGuard('AdamW', { learningRate: 1, clipNorm: 1 });
      const good = guard.decide(['w'], [ok], 1) as { skip: false; scale: tf.Tensor };
      expect(good.skip).toBe(false);
      // float32 on the device: 1 / (5 + 1e-6) to a few ulps.
      expect(Math.abs((await good.scale.data())[0]! - 1 / (5 + 1e-6))).toBeLessThan(1e-6);
      const skipped = guard.decide(['w'], [bad], 2) as { skip: false; scale: tf.Tensor };
      expect((await skipped.scale.data())[0]).toBe(0);
      guard.report();
      for (let k = 0; k < 100 && warn.mock.calls.length === 0; k++) await new Promise((r) => setTimeout(r, 10));
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^AdamW: non-finite gradient at step 2.*; step skipped$/);
      warn.mockRestore();
      guard.dispose();
      tf.dispose([ok, bad]);
    });
  },
  ['webgpu'],
);
