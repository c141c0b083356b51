import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { gumbelMaxSelect } from './index';
import { gumbelMaxReference } from './reference';

// 99.9% quantiles of chi-square with k-1 degrees of freedom (k = 4 and 8).
const CHI2_999 = { 3: 16.27, 7: 24.32 } as const;

describeEachBackend('gumbelMaxSelect', () => {
  it('equals the reference (same Philox Gumbel stream on every backend)', async () => {
    const g = 37;
    const k = 70;
    const scores = Float32Array.from({ length: g * k }, (_, i) => Math.sin(i * 0.37) * 3);
    const got = await gumbelMaxSelect(tf.tensor2d(scores, [g, k]), 5, { stream: 3 }).data();
    expect(Array.from(got)).toEqual(Array.from(gumbelMaxReference(scores, g, k, 5, 3)));
  });

  it('selection frequencies match softmax(scores) within a chi-square bound', async () => {
    for (const logits of [[0, 1, 2, -1], [0.5, 0.5, 0, 0, -2, 1, 1.5, 0.2]]) {
      const k = logits.length;
      const groups = 4000;
      const scores = tf.tidy(() => tf.tile(tf.tensor2d([logits]), [groups, 1]));
      const picks = await gumbelMaxSelect(scores, 1234).data();
      const counts = new Array<number>(k).fill(0);
      for (const p of picks) counts[p]! += 1;
      const z = logits.reduce((s, l) => s + Math.exp(l), 0);
      const chi2 = counts.reduce((s, c, i) => {
        const e = (groups * Math.exp(logits[i]!)) / z;
        return s + (c - e) ** 2 / e;
      }, 0);
      expect(chi2).toBeLessThan(CHI2_999[(k - 1) as 3 | 7]);
    }
  });

  it('returns int32 [G] and validates input', () => {
    const out = gumbelMaxSelect([[1, 2], [3, 4], [0, 0]], 1);
    expect(out.dtype).toBe('int32');
    expect(out.shape).toEqual([3]);
    expect(() => gumbelMaxSelect(tf.zeros([3]), 1)).toThrow(/gumbelMaxSelect: scores must be a 2-D tensor, got shape \[3\]/);
    expect(() => gumbelMaxSelect(tf.zeros([3, 0]), 1)).toThrow(/scores must be a \[groups, candidates\] tensor with at least one candidate, got shape \[3, 0\]/);
    expect(() => gumbelMaxSelect(tf.zeros([3, 2]), Infinity)).toThrow(/seed must be a safe non-negative integer/);
  });
});
