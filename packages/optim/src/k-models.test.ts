import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { expect, it, vi } from 'vitest';
import { adana, danaStarMK4 } from './adana';
import { adamw } from './adamw';
import type { CommonOptions } from './config';
import type { FusedOptimizer } from './fused-optimizer';
import { sgdMomentum } from './sgd-momentum';

const SCALE = [0.5, 1, 2.5];
const K = SCALE.length;
const STEPS = 5;

/** Builds an optimizer from common options (the K-model one gets learningRateScale, the single ones a group lrScale). */
const makers: [string, (extra: Partial<CommonOptions>) => FusedOptimizer][] = [
  ['AdamW', (x) => adamw({ learningRate: 0.05, weightDecay: 0.1, noDecay: [], ...x })],
  ['Adana (log-time decay)', (x) => adana({ learningRate: 0.02, totalSteps: 100, noDecay: [], schedule: { kind: 'warmupCosine', totalSteps: 10, warmupSteps: 2 }, ...x })],
  ['DanaStarMK4', (x) => danaStarMK4({ learningRate: 0.02, totalSteps: 100, noDecay: [], ...x })],
  ['SgdMomentum', (x) => sgdMomentum({ learningRate: 0.1, weightDecay: 0.05, noDecay: [], ...x })],
  ['AdamW (kernel ops)', (x) => adamw({ learningRate: 0.05, weightDecay: 0.1, noDecay: [], kernel: 'ops', ...x })],
];

describeEachBackend('learningRateScale: K models in one variable equal K separate optimizers', () => {
  // [K, 4] (vec4 slices on webgpu), [K, 3, 5] (odd slices), [K] (one element per model).
  for (const inner of [[4], [3, 5], []] as number[][]) {
    for (const [label, make] of makers) {
      it(`${label}, variables [${[K, ...inner].join(', ')}]`, async () => {
        const per = inner.reduce((a, b) => a * b, 1);
        const rng = createRng(41 + per);
        const init = Float32Array.from(rng.normalArray(K * per));
        const grads = Array.from({ length: STEPS }, () => Float32Array.from(rng.normalArray(K * per)));
        const tag = `kmodels_${Math.random().toString(36).slice(2)}`;
        const joint = make({ learningRateScale: SCALE });
        const v = tf.variable(tf.tensor(init, [K, ...inner]), true, `${tag}_joint`);
        const alone = SCALE.map((s, k) => ({
          opt: make({ groups: [{ match: /.*/, lrScale: s }] }),
          v: tf.variable(tf.tensor(init.slice(k * per, (k + 1) * per), inner), true, `${tag}_${k}`),
        }));
        for (const g of grads) {
          const gt = tf.tensor(g, [K, ...inner]);
          joint.applyGradients({ [v.name]: gt });
          alone.forEach(({ opt, v: vk }, k) => {
            const gk = tf.tensor(g.slice(k * per, (k + 1) * per), inner);
            opt.applyGradients({ [vk.name]: gk });
            gk.dispose();
          });
          gt.dispose();
        }
        const got = await v.data();
        for (const [k, { opt, v: vk }] of alone.entries()) {
          // Same float32 update per slice; only the float64 product lr·s·scale is formed in another order (≤ 1 ulp),
          // so a few float32 ulps per step over 5 steps.
          assertAllClose(got.slice(k * per, (k + 1) * per), await vk.data(), { rtol: 2e-6, atol: 1e-7, label: `model ${k}` });
          opt.dispose();
          vk.dispose();
        }
        joint.dispose();
        v.dispose();
      });
    }
  }
});

/** One variable of each model: its name suffix and its per-model shape (the joint variable is [K, ...inner]). */
type VarSpec = { suffix: string; inner: number[] };

/**
 * Trains K models for STEPS steps on the same gradients (slice k of every gradient scaled by `mag[k]`): jointly
 * ([K, ...inner] variables, one optimizer with learningRateScale) and as K separate optimizers ([...inner]
 * variables, lrScale = SCALE[k]). Returns the final values per variable and model, and the per-step float64
 * clip factors min(1, c/(‖g_k‖ + 1e-6)) of each model (when `clipNorm` is set).
 */
async function jointAndAlone(
  make: (extra: Partial<CommonOptions>) => FusedOptimizer,
  extra: Partial<CommonOptions>,
  specs: VarSpec[],
  mag: number[],
  seed: number,
): Promise<{ joint: Float32Array[][]; alone: Float32Array[][]; factors: number[][] }> {
  const rng = createRng(seed);
  const per = specs.map((s) => s.inner.reduce((a, b) => a * b, 1));
  const init = per.map((n) => Float32Array.from(rng.normalArray(K * n)));
  const grads = Array.from({ length: STEPS }, () =>
    per.map((n) => Float32Array.from(rng.normalArray(K * n), (x, i) => x * mag[Math.floor(i / n)]!)),
  );
  const tag = `kmodels_${Math.random().toString(36).slice(2)}`;
  const cut = (a: Float32Array, n: number, k: number): Float32Array => a.slice(k * n, (k + 1) * n);
  const joint = make({ ...extra, learningRateScale: SCALE });
  const jv = specs.map((s, j) => tf.variable(tf.tensor(init[j]!, [K, ...s.inner]), true, `${tag}_${s.suffix}`));
  const alone = SCALE.map((sc, k) => ({
    opt: make({ ...extra, groups: [{ match: /.*/, lrScale: sc }] }),
    vars: specs.map((s, j) => tf.variable(tf.tensor(cut(init[j]!, per[j]!, k), s.inner), true, `${tag}_${s.suffix}_m${k}`)),
  }));
  const factors: number[][] = [];
  for (const g of grads) {
    if (extra.clipNorm !== undefined) {
      const c = extra.clipNorm;
      factors.push(SCALE.map((_, k) => Math.min(1, c / (Math.sqrt(g.reduce((acc, a, j) => acc + cut(a, per[j]!, k).reduce((x, y) => x + y * y, 0), 0)) + 1e-6))));
    }
    const gt = g.map((a, j) => tf.tensor(a, [K, ...specs[j]!.inner]));
    joint.applyGradients(Object.fromEntries(jv.map((v, j) => [v.name, gt[j]!])));
    for (const [k, { opt, vars }] of alone.entries()) {
      const gk = g.map((a, j) => tf.tensor(cut(a, per[j]!, k), specs[j]!.inner));
      opt.applyGradients(Object.fromEntries(vars.map((v, j) => [v.name, gk[j]!])));
      tf.dispose(gk);
    }
    tf.dispose(gt);
  }
  const jointOut = await Promise.all(jv.map(async (v, j) => {
    const d = (await v.data()) as Float32Array;
    return SCALE.map((_, k) => cut(d, per[j]!, k));
  }));
  const aloneOut = await Promise.all(specs.map((_, j) => Promise.all(alone.map(async ({ vars }) => (await vars[j]!.data()) as Float32Array))));
  for (const { opt, vars } of alone) {
    opt.dispose();
    tf.dispose(vars);
  }
  joint.dispose();
  tf.dispose(jv);
  return { joint: jointOut, alone: aloneOut, factors };
}

describeEachBackend('learningRateScale with clipNorm: each model clipped by its own global norm, as K separate optimizers', () => {
  // Three variables per model (one model's global norm spans all of them); slice magnitudes 0.1, 2, 40 with
  // clipNorm 0.8: model 0 unclipped (‖g‖ ≈ 0.4), models 1 and 2 clipped by very different factors.
  const specs: VarSpec[] = [
    { suffix: 'w', inner: [3, 5] },
    { suffix: 'b', inner: [4] },
    { suffix: 's', inner: [] },
  ];
  for (const [label, make] of makers) {
    it(`${label}, variables [K, 3, 5], [K, 4], [K]`, async () => {
      const { joint, alone, factors } = await jointAndAlone(make, { clipNorm: 0.8 }, specs, [0.1, 2, 40], 97);
      // The clip is active and differs per model at every step (one joint norm would clip all three alike).
      for (const f of factors) {
        expect(f[0]).toBe(1);
        expect(f[1]).toBeLessThan(0.5);
        expect(f[2]).toBeLessThan(f[1]! / 5);
      }
      // The joint step clips in float32 tensor ops (Σ g² of ≤ 20 terms: relative error ≤ 20·2^-24 ≈ 1.2e-6,
      // halved by the sqrt, plus a few ulps for div/min/mul); a separate optimizer on cpu/wasm sums in float64 and
      // folds the factor into the rule's gscale, on webgpu it sums in float32 in another order. So the clipped
      // gradients agree to ~1e-6 relative, and the updates (at most linear in g) to that times their size, over
      // 5 steps: rtol 1e-5 keeps a 10x margin over the float32 ulps of the existing test.
      joint.forEach((models, j) =>
        models.forEach((got, k) => assertAllClose(got, alone[j]![k]!, { rtol: 1e-5, atol: 1e-6, label: `${specs[j]!.suffix}, model ${k}` })),
      );
    });
  }
});

describeEachBackend("learningRateScale with noDecay 'auto': ranks judged per model (a [K, d] bias is not decayed)", () => {
  // Per model: a [3, 5] weight (decayed), a [5] bias and a scalar gain (not decayed), as 'auto' decides for one model.
  const specs: VarSpec[] = [
    { suffix: 'w', inner: [3, 5] },
    { suffix: 'bias', inner: [5] },
    { suffix: 'gain', inner: [] },
  ];
  for (const [label, make] of makers) {
    it(`${label}, variables [K, 3, 5], [K, 5], [K]`, async () => {
      const { joint, alone } = await jointAndAlone(make, { noDecay: 'auto' }, specs, [1, 1, 1], 131);
      // Same float32 update per slice as the first test (no clip): the same tolerance.
      joint.forEach((models, j) =>
        models.forEach((got, k) => assertAllClose(got, alone[j]![k]!, { rtol: 2e-6, atol: 1e-7, label: `${specs[j]!.suffix}, model ${k}` })),
      );
    });
  }
  it('weight decay matters here: the [K, 5] bias differs from the same optimizer with noDecay [] (bias decayed)', async () => {
    const make = makers[0]![1];
    const auto = await jointAndAlone(make, { noDecay: 'auto' }, specs.slice(1, 2), [0, 0, 0], 7);
    const none = await jointAndAlone(make, { noDecay: [] }, specs.slice(1, 2), [0, 0, 0], 7);
    // Zero gradients: with 'auto' the bias does not move; decayed, it shrinks by lr·wd·scale per step.
    auto.joint[0]!.forEach((got, k) => assertAllClose(got, auto.alone[0]![k]!, { rtol: 0, atol: 0, label: `model ${k}` }));
    none.joint[0]!.forEach((got, k) => expect(Math.abs(got[0]!)).toBeLessThan(Math.abs(auto.joint[0]![k]![0]!)));
  });
});

describeEachBackend('learningRateScale with clipNorm: a non-finite gradient in one model skips the step for all models', () => {
  for (const [what, bad] of [
    ['NaN in model 1', Number.NaN],
    ['a float32 overflow of Σ g² in model 2 (|g| = 1e20, finite)', 1e20],
  ] as const) {
    it(`${what}: no model moves, the step counter advances`, async () => {
      const tag = `kmodels_nan_${Math.random().toString(36).slice(2)}`;
      const w = tf.variable(tf.ones([K, 4]), true, `${tag}_w`);
      const b = tf.variable(tf.ones([K, 2]), true, `${tag}_b`);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const opt = adamw({ learningRate: 0.1, clipNorm: 0.5, learningRateScale: SCALE });
      const gb = Float32Array.from({ length: K * 2 }, () => 1);
      gb[Number.isNaN(bad) ? 2 : 4] = bad;
      const gw = tf.ones([K, 4]);
      const gbt = tf.tensor(gb, [K, 2]);
      opt.applyGradients({ [w.name]: gw, [b.name]: gbt });
      for (let i = 0; i < 50 && warn.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const text = warn.mock.calls.map((c) => String(c[0])).join('\n');
      warn.mockRestore();
      expect(text).toMatch(/non-finite gradient/);
      // On cpu/wasm the message names the variable whose unclipped gradient was bad.
      if (Number.isNaN(bad) && ['cpu', 'wasm'].includes(tf.getBackend())) expect(text).toContain(`'${b.name}'`);
      expect(Array.from(await w.data())).toEqual(Array.from({ length: K * 4 }, () => 1));
      expect(Array.from(await b.data())).toEqual(Array.from({ length: K * 2 }, () => 1));
      expect(opt.iterations).toBe(1);
      tf.dispose([w, b, gw, gbt]);
      opt.dispose();
    });
  }
});
