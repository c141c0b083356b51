import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { createRng } from '../../rng/rng';
import { adamWRule, applyElementwiseRule, createRuleSlots } from './index';
import type { ElementwiseRule } from './index';

/** float64 AdamW, written independently of adamWRule.cpu (torch.optim.AdamW semantics). */
function adamWReference(p0: Float64Array, gs: Float64Array[], h: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }): Float64Array {
  const p = Float64Array.from(p0);
  const m = new Float64Array(p.length);
  const v = new Float64Array(p.length);
  gs.forEach((g, t) => {
    const step = t + 1;
    for (let i = 0; i < p.length; i++) {
      p[i] = p[i]! - h.lr * h.weightDecay * p[i]!;
      m[i] = h.beta1 * m[i]! + (1 - h.beta1) * g[i]!;
      v[i] = h.beta2 * v[i]! + (1 - h.beta2) * g[i]! ** 2;
      const mHat = m[i]! / (1 - h.beta1 ** step);
      const vHat = v[i]! / (1 - h.beta2 ** step);
      p[i] = p[i]! - (h.lr * mHat) / (Math.sqrt(vHat) + h.eps);
    }
  });
  return p;
}

const momentumRule: ElementwiseRule = {
  name: 'test_momentum',
  slots: ['buf'],
  scalars: ['lr', 'mu'],
  wgsl: 'buf = s.mu * buf + g; p = p - s.lr * buf;',
  cpu(p, g, [buf], s) {
    for (let i = 0; i < p.length; i++) {
      buf![i] = s.mu! * buf![i]! + g[i]!;
      p[i] = p[i]! - s.lr! * buf![i]!;
    }
  },
};

describeEachBackend('applyElementwiseRule', () => {
  it('adamWRule matches a float64 AdamW over 5 steps (vec4 and odd sizes, several tensors)', async () => {
    const rng = createRng(3);
    const shapes = [[4, 8], [7], [3, 3, 3]];
    const h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
    const p0 = shapes.map((s) => Float64Array.from(rng.normalArray(s.reduce((a, b) => a * b, 1)), Math.fround));
    const gs = shapes.map((s) => Array.from({ length: 5 }, () => Float64Array.from(rng.normalArray(s.reduce((a, b) => a * b, 1)), Math.fround)));
    const vars = shapes.map((s, i) => tf.variable(tf.tensor(Float32Array.from(p0[i]!), s)));
    const slots = createRuleSlots(adamWRule, vars);
    for (let t = 0; t < 5; t++) {
      const grads = shapes.map((s, i) => tf.tensor(Float32Array.from(gs[i]![t]!), s));
      applyElementwiseRule(adamWRule, vars, grads, slots, { ...h, step: t + 1 });
      grads.forEach((g) => g.dispose());
    }
    for (let i = 0; i < shapes.length; i++) {
      // Each step moves p by ≤ lr·(1 + wd·|p|) with float32 rounding ~u relative per op; 5 steps, ~10 ops each.
      assertAllClose(await vars[i]!.data(), adamWReference(p0[i]!, gs[i]!, h), { rtol: 1e-5, atol: 1e-6, label: `param ${i}` });
    }
    // The first moment after 5 steps equals the reference EMA of the gradients.
    const m = Float64Array.from(gs[1]![0]!, () => 0);
    for (const g of gs[1]!) for (let k = 0; k < m.length; k++) m[k] = 0.9 * m[k]! + 0.1 * g[k]!;
    assertAllClose(await slots[1]![0]!.data(), m, { rtol: 1e-5, atol: 1e-6, label: 'm' });
  });

  it('a custom rule runs the same on every backend and never writes through to aliased tensors', async () => {
    const init = tf.tensor1d([1, 2, 3, 4, 5]);
    const p = tf.variable(init); // shares init's buffer until the first update
    const slots = createRuleSlots(momentumRule, [p]);
    applyElementwiseRule(momentumRule, [p], [tf.ones([5])], slots, { lr: 0.5, mu: 0.9 });
    applyElementwiseRule(momentumRule, [p], [tf.ones([5])], slots, { lr: 0.5, mu: 0.9 });
    // buf: 1 then 1.9; p: x − 0.5 − 0.95.
    assertAllClose(await p.data(), [1, 2, 3, 4, 5].map((x) => x - 1.45), { rtol: 1e-6, atol: 1e-6 });
    assertAllClose(await slots[0]![0]!.data(), [1.9, 1.9, 1.9, 1.9, 1.9], { rtol: 1e-6, atol: 1e-6 });
    expect(Array.from(await init.data())).toEqual([1, 2, 3, 4, 5]);
  });

  it('validates arguments', () => {
    const p = tf.variable(tf.zeros([4]));
    const s = createRuleSlots(adamWRule, [p]);
    const ok = { lr: 1, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, step: 1 };
    expect(() => applyElementwiseRule(adamWRule, [p], [tf.zeros([5])], s, ok)).toThrow(/grads\[0\] must have shape \[4\] \(params\[0\]\), got \[5\]/);
    expect(() => applyElementwiseRule(adamWRule, [p], [tf.zeros([4])], s, { ...ok, lr: Number.NaN })).toThrow(/scalar 'lr' of rule 'adamw' must be a finite number, got NaN/);
    expect(() => applyElementwiseRule(adamWRule, [p], [tf.zeros([4])], [[s[0]![0]!]], ok)).toThrow(/slots\[0\] must hold 2 tensors \(m, v\), got 1/);
    expect(() => applyElementwiseRule(adamWRule, [p], [], s, ok)).toThrow(/same length/);
    expect(() => applyElementwiseRule({ ...momentumRule, slots: ['p'] }, [p], [tf.zeros([4])], [[tf.zeros([4])]], { lr: 1, mu: 0 })).toThrow(/uses 'p' as a slot or scalar name/);
  });
});
