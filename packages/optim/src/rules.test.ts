import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { applyElementwiseRule, createRng } from '@lemma/gpu-kernels';
import { expect, it } from 'vitest';
import { adamwRule, adanaRule, ademamixRule, danaRule, danaStarRule, sgdMomentumRule, NO_CLIP, type FusedRule, type RuleScalars } from './rules';

const N = 257; // not a multiple of any workgroup size

const cases: { rule: FusedRule; k: RuleScalars }[] = [
  { rule: adanaRule, k: { a: 8 / 11, lr: 0.01, lr3: 0.01, damp: Math.pow(4, 0.15), clip: NO_CLIP, eps: 1e-8, decay: 0.999, gscale: 0.7 } },
  { rule: adanaRule, k: { a: 8 / 11, lr: 0.01, lr3: 0.02, damp: 7, clip: 2, eps: 1e-8, decay: 1, gscale: 1 } },
  { rule: danaStarRule, k: { a: 8 / 13, lr: 0.01, lr3: 0.01, t: 5, ek: 0.15, clip: 2, eps: 1e-8, decay: 0.998, tmin: 1 / 6, gscale: 1 } },
  { rule: danaRule, k: { keep: 0.8, g1: 1, g2: 0.05, g3: 0.01, decay: 1, gscale: 0.5 } },
  { rule: adamwRule, k: { b1: 0.9, b2: 0.999, stepSize: 0.01 / (1 - 0.9 ** 3), ibc2: 1 / Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, decay: 0.999, gscale: 1 } },
  {
    rule: ademamixRule,
    k: { b1: 0.9, b2: 0.999, b3: 0.9999, alpha: 5, lr: 0.01, ibc1: 1 / (1 - 0.9 ** 3), ibc2: 1 / Math.sqrt(1 - 0.999 ** 3), eps: 1e-8, decay: 0.999, gscale: 1 },
  },
  { rule: sgdMomentumRule, k: { mu: 0.9, lr: 0.1, nesterov: 1, decay: 0.99, wd: 0, gscale: 1 } },
  // torch's coupled weight decay (g + λθ), with a clip factor: every term of the rule at once.
  { rule: sgdMomentumRule, k: { mu: 0.5, lr: 0.1, nesterov: 0, decay: 1, wd: 0.3, gscale: 0.8 } },
];

function inputs(rule: FusedRule, seed: number): { p: Float64Array; g: Float64Array; slots: Float64Array[] } {
  const rng = createRng(seed);
  const p = Float64Array.from(rng.normalArray(N));
  const g = Float64Array.from(rng.normalArray(N));
  // Second moments must be non-negative and not tiny (a denominator); τ lives in [0, 1).
  const slots = rule.slots.map((name) =>
    Float64Array.from(rng.normalArray(N), (x) => (name === 'v' ? 0.05 + x * x : name === 'tau' ? Math.min(0.99, Math.abs(x) / 3) : x)),
  );
  return { p, g, slots };
}

it('every rule declares its slots and scalars, and its WGSL body writes p and every slot', () => {
  for (const { rule, k } of cases) {
    expect(Object.keys(k).sort()).toEqual([...rule.scalars].sort());
    expect(rule.wgsl).toMatch(/\bp = /);
    for (const name of rule.slots) expect(rule.wgsl).toMatch(new RegExp(`\\b${name} = `));
    for (const name of rule.scalars) expect(rule.wgsl).toContain(`s.${name}`);
  }
});

describeEachBackend('fused rules: tfjs-op form matches the float64 typed-array form', () => {
  for (const [ci, { rule, k }] of cases.entries()) {
    it(`${rule.name} #${ci}`, async () => {
      const { p, g, slots } = inputs(rule, 11 + ci);
      const p64 = Float64Array.from(p);
      const s64 = slots.map((s) => Float64Array.from(s));
      rule.cpu(p64, g, s64, k);
      const outs = tf.tidy(() =>
        rule.tf(
          tf.tensor1d(Float32Array.from(p)),
          tf.tensor1d(Float32Array.from(g)),
          slots.map((s) => tf.tensor1d(Float32Array.from(s))),
          k,
        ),
      );
      const got = await Promise.all(outs.map((o) => o.data()));
      tf.dispose(outs);
      // Inputs are rounded to float32 (2^-24 relative) and one step is ~15 float32 ops: 1e-5 relative + 1e-6 absolute
      // (absolute covers cancellation in p − step where |p'| ≪ |p|).
      assertAllClose(got[0]!, p64, { rtol: 1e-5, atol: 1e-6, label: `${rule.name} p` });
      s64.forEach((s, j) => assertAllClose(got[j + 1]!, s, { rtol: 1e-5, atol: 1e-6, label: `${rule.name} ${rule.slots[j]}` }));
    });
  }
});

describeEachBackend('fused rules through applyElementwiseRule (WGSL on webgpu, typed arrays on cpu/wasm)', () => {
  for (const [ci, { rule, k }] of cases.entries()) {
    // 256 takes the vec4 shader, 257 the scalar one.
    for (const n of [256, 257]) {
      it(`${rule.name} #${ci} n=${n}`, async () => {
        const { p, g, slots } = inputs(rule, 101 + ci);
        const cut = (a: Float64Array): Float64Array => a.slice(0, n);
        const p64 = cut(p);
        const s64 = slots.map(cut);
        rule.cpu(p64, cut(g), s64, k);
        const pv = tf.variable(tf.tensor1d(Float32Array.from(cut(p))));
        const gt = tf.tensor1d(Float32Array.from(cut(g)));
        const st = slots.map((sl) => tf.tensor1d(Float32Array.from(cut(sl))));
        applyElementwiseRule(rule, [pv], [gt], [st], k);
        const got = await Promise.all([pv, ...st].map((t) => t.data()));
        tf.dispose([pv, gt, ...st]);
        // Same tolerance as above: float32 inputs and ~15 float32 ops (WGSL sqrt/pow/div are within a few ulp).
        assertAllClose(got[0]!, p64, { rtol: 1e-5, atol: 1e-6, label: `${rule.name} p` });
        s64.forEach((s, j) => assertAllClose(got[j + 1]!, s, { rtol: 1e-5, atol: 1e-6, label: `${rule.name} ${rule.slots[j]}` }));
      });
    }
  }
});
