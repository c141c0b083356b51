import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, expect, it } from 'vitest';
import { selectBackend } from '../../backend/select';
import { gradClipFactor, gradClipFactorOp } from './clip-factor';
import { GradScaler } from './index';

beforeAll(async () => {
  await selectBackend('cpu');
});

// The float64 formula, min(1, c / (√s + 1e-6)), spelled independently of the module.
const reference = (s: number, c: number): number => Math.min(1, c / (Math.sqrt(s) + 1e-6));

it('the host and tensor clip factors agree with the float64 formula (0, below, at and above the clip norm)', async () => {
  const sums = [0, 1e-12, 0.25, 1, 4, 1e4, 3.5e12];
  for (const c of [0.5, 1, 7]) {
    const t = tf.tensor1d(sums);
    const got = await gradClipFactorOp(t, c).data();
    sums.forEach((s, i) => {
      expect(gradClipFactor(s, c)).toBe(reference(s, c));
      // float32 sqrt and division: a few ulps (2^-23 ≈ 1.2e-7 relative each).
      expect(Math.abs(got[i]! - reference(s, c))).toBeLessThanOrEqual(1e-6 * reference(s, c));
    });
    t.dispose();
  }
  expect(gradClipFactor(4, 1)).toBeCloseTo(0.5, 6); // ‖g‖ = 2 clipped to 1
  expect(gradClipFactor(0.25, 1)).toBe(1); // below the clip norm: unscaled
});

it('gradClipFactorOp refuses a non-tensor sum and a clip norm that is not positive', () => {
  const t = tf.tensor1d([1]);
  expect(() => gradClipFactorOp([1] as unknown as tf.Tensor, 1)).toThrow(/gradClipFactorOp: sumSq must be/);
  for (const c of [0, -1, Number.NaN, Infinity]) expect(() => gradClipFactorOp(t, c)).toThrow(/gradClipFactorOp: clipNorm must be/);
  t.dispose();
});

it('GradScaler.run refuses a clip norm that is not positive, on the path the backend takes', () => {
  const g = tf.tensor1d([3, 4]);
  const scaler = new GradScaler();
  for (const c of [0, -1, Number.NaN]) expect(() => scaler.run([g], c, 1)).toThrow(/GradScaler.run: clipNorm must be/);
  expect(scaler.run([g], 1, 1).scale).toBeCloseTo(1 / (5 + 1e-6), 6); // ‖g‖ = 5
  g.dispose();
});
