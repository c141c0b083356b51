import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { createRng } from '../../rng/rng';
import { adamWRule } from './adamw-fixture';
import { applyElementwiseRule, createRuleSlots } from './index';
import type { ElementwiseRule } from './index';
import { adamWReference, emaReference, momentumReference } from './reference';

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
    assertAllClose(await slots[1]![0]!.data(), emaReference(gs[1]!, 0.9), { rtol: 1e-5, atol: 1e-6, label: 'm' });
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
    const ref = momentumReference([1, 2, 3, 4, 5], [[1, 1, 1, 1, 1], [1, 1, 1, 1, 1]], [{ lr: 0.5, mu: 0.9 }, { lr: 0.5, mu: 0.9 }]);
    assertAllClose(await p.data(), ref.p, { rtol: 1e-6, atol: 1e-6, label: 'p vs reference' });
    assertAllClose(await slots[0]![0]!.data(), ref.buf, { rtol: 1e-6, atol: 1e-6, label: 'buf vs reference' });
    expect(Array.from(await init.data())).toEqual([1, 2, 3, 4, 5]);
  });

  it('many tensors of odd and vec4 sizes in one call match the float64 reference (cached bind groups across steps)', async () => {
    const rng = createRng(17);
    const sizes = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 4 * (1 + ((i * 37) % 300)) : 1 + ((i * 53) % 1201)));
    sizes.push(0, 1, 65536 + 3);
    const h = { lr: 3e-3, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.05 };
    const p0 = sizes.map((n) => Float64Array.from(rng.normalArray(n), Math.fround));
    const gs = sizes.map((n) => Array.from({ length: 3 }, () => Float64Array.from(rng.normalArray(n), Math.fround)));
    const vars = sizes.map((n, i) => tf.variable(tf.tensor1d(Float32Array.from(p0[i]!))));
    const slots = createRuleSlots(adamWRule, vars);
    // The same gradient tensors every step (bind groups hit the cache), except step 2 uses fresh ones.
    const fixed = sizes.map((n, i) => tf.tensor1d(Float32Array.from(gs[i]![0]!)));
    for (let t = 0; t < 3; t++) {
      const grads = t === 0 ? fixed : sizes.map((n, i) => tf.tensor1d(Float32Array.from(gs[i]![t]!)));
      applyElementwiseRule(adamWRule, vars, grads, slots, { ...h, step: t + 1 });
      if (t > 0) grads.forEach((g) => g.dispose());
    }
    for (let i = 0; i < sizes.length; i++) {
      assertAllClose(await vars[i]!.data(), adamWReference(p0[i]!, gs[i]!, h), { rtol: 1e-5, atol: 1e-6, label: `param ${i} (size ${sizes[i]})` });
    }
    tf.dispose([...vars, ...fixed, ...slots.flat()]);
  });

  it("stays correct when a variable's storage is swapped by assign between steps", async () => {
    const p = tf.variable(tf.tensor1d([1, 2, 3, 4, 5, 6, 7, 8]));
    const q = tf.variable(tf.tensor1d([1, 2, 3]));
    const slots = createRuleSlots(momentumRule, [p, q]);
    const g8 = tf.ones([8]);
    const g3 = tf.ones([3]);
    applyElementwiseRule(momentumRule, [p, q], [g8, g3], slots, { lr: 1, mu: 0 });
    // New buffers for both variables (and an aliased one for p, which must be copied before the update).
    const fresh = tf.tensor1d([10, 20, 30, 40, 50, 60, 70, 80]);
    p.assign(fresh);
    q.assign(tf.tensor1d([100, 200, 300]));
    applyElementwiseRule(momentumRule, [p, q], [g8, g3], slots, { lr: 1, mu: 0 });
    applyElementwiseRule(momentumRule, [p, q], [g8, g3], slots, { lr: 2, mu: 0 });
    assertAllClose(await p.data(), [10, 20, 30, 40, 50, 60, 70, 80].map((x) => x - 3), { rtol: 0, atol: 1e-5 });
    assertAllClose(await q.data(), [97, 197, 297], { rtol: 0, atol: 1e-5 });
    expect(Array.from(await fresh.data())).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
  });

  it('a parameter listed twice is updated twice, in order (never bound twice in one dispatch)', async () => {
    const p = tf.variable(tf.tensor1d([1, 2, 3, 4]));
    const slots = createRuleSlots(momentumRule, [p, p]);
    applyElementwiseRule(momentumRule, [p, p], [tf.ones([4]), tf.fill([4], 2)], slots, { lr: 1, mu: 0 });
    assertAllClose(await p.data(), [-2, -1, 0, 1], { rtol: 0, atol: 1e-6 });
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

describeEachBackend('applyElementwiseRule and layers (no stale weights)', () => {
  it('a dense layer sees the updated kernel on the next predict (wasm caches packed weights per buffer)', async () => {
    const tfl = await import('@tensorflow/tfjs-layers');
    const m = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4], kernelInitializer: 'ones', activation: 'relu' })] });
    const x = tf.ones([1, 4]);
    expect(Array.from(await (m.predict(x) as tf.Tensor).data())).toEqual([4, 4, 4]);
    const vars = m.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    const slots = createRuleSlots(adamWRule, vars);
    const grads = vars.map((v) => tf.onesLike(v));
    // First AdamW step with unit gradients moves every weight by -lr: kernel 1 -> 0.5, bias 0 -> -0.5.
    applyElementwiseRule(adamWRule, vars, grads, slots, { lr: 0.5, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, step: 1 });
    const y = Array.from(await (m.predict(x) as tf.Tensor).data());
    for (const v of y) expect(v).toBeCloseTo(4 * 0.5 - 0.5, 5);
    tf.dispose([x, ...grads, ...slots.flat()]);
    m.dispose();
  });
});

describeEachBackend('applyElementwiseRule with a device gradient scale', () => {
  it('multiplies g by gradScale[0] (same result as pre-scaled gradients) and skips the whole update where it is 0', async () => {
    const rng = createRng(29);
    const h = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
    // vec4 and odd sizes, several tensors per call.
    const sizes = [8, 7, 1000, 4 * 257];
    const p0 = sizes.map((n) => Float32Array.from(rng.normalArray(n)));
    const gs = sizes.map((n) => Float32Array.from(rng.normalArray(n)));
    const scale = 0.37;
    const scaledVars = p0.map((a) => tf.variable(tf.tensor1d(a)));
    const refVars = p0.map((a) => tf.variable(tf.tensor1d(a)));
    const scaledSlots = createRuleSlots(adamWRule, scaledVars);
    const refSlots = createRuleSlots(adamWRule, refVars);
    const grads = gs.map((a) => tf.tensor1d(a));
    const pre = gs.map((a) => tf.tensor1d(a.map((x) => Math.fround(x * Math.fround(scale)))));
    const s = tf.tensor1d([scale]);
    const zero = tf.tensor1d([0]);
    for (let step = 1; step <= 3; step++) {
      applyElementwiseRule(adamWRule, scaledVars, grads, scaledSlots, { ...h, step }, { gradScale: s });
      applyElementwiseRule(adamWRule, refVars, pre, refSlots, { ...h, step });
      // A zero scale leaves parameters and slots exactly as they are.
      applyElementwiseRule(adamWRule, scaledVars, grads, scaledSlots, { ...h, step }, { gradScale: zero });
    }
    for (let i = 0; i < sizes.length; i++) {
      expect(Array.from(await scaledVars[i]!.data())).toEqual(Array.from(await refVars[i]!.data()));
      expect(Array.from(await scaledSlots[i]![1]!.data())).toEqual(Array.from(await refSlots[i]![1]!.data()));
    }
    // Scale 1 is the unscaled update, bit for bit.
    const one = tf.tensor1d([1]);
    const a = tf.variable(tf.tensor1d(p0[2]!));
    const b = tf.variable(tf.tensor1d(p0[2]!));
    const sa = createRuleSlots(adamWRule, [a]);
    const sb = createRuleSlots(adamWRule, [b]);
    applyElementwiseRule(adamWRule, [a], [grads[2]!], sa, { ...h, step: 1 }, { gradScale: one });
    applyElementwiseRule(adamWRule, [b], [grads[2]!], sb, { ...h, step: 1 });
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([...scaledVars, ...refVars, ...scaledSlots.flat(), ...refSlots.flat(), ...grads, ...pre, s, zero, one, a, b, ...sa.flat(), ...sb.flat()]);
  });

  it('rejects a gradScale that is not a one-element float32 tensor', () => {
    const p = tf.variable(tf.zeros([4]));
    const slots = createRuleSlots(momentumRule, [p]);
    const bad = tf.tensor1d([1, 2]);
    expect(() => applyElementwiseRule(momentumRule, [p], [tf.ones([4])], slots, { lr: 1, mu: 0 }, { gradScale: bad })).toThrow(/gradScale must be a float32 tensor of one element/);
    tf.dispose([p, bad, ...slots.flat()]);
  });
});
