import { fc } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { assertAllClose } from '@lemma/gpu-kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { activationMatching, layerInputMoments, sequentialOutputs } from './activations';
import { lossBarrier } from './barrier';
import { approximateDimension, layerDimensions, weightSupportDimension } from './dimension';
import { cloneModel, getParams, interpolate, interpolateParams } from './params';
import { sequentialPermutationSpec } from './permutation-spec';
import { applyPermutation, invertPermutation, permuteParams, randomPermutations } from './permute';
import { repair } from './repair';
import { makeCnn, makeMlp, randomInputs } from './test-models';
import { layerwiseOTAlignment, weightMatching } from './weight-matching';

beforeAll(async () => {
  await selectBackend('cpu');
});

async function outputs(model: tfl.LayersModel, x: tf.Tensor): Promise<Float32Array> {
  const y = model.predict(x) as tf.Tensor;
  const v = (await y.data()) as Float32Array;
  y.dispose();
  return v;
}

describe('permutation spec', () => {
  it('derives perms for Dense and Conv2D/BatchNorm/Flatten stacks', async () => {
    const cnn = await makeCnn(1);
    const spec = sequentialPermutationSpec(cnn);
    expect(Object.values(spec.perms)).toEqual([4, 3, 5]);
    const flat = spec.params['5/kernel']!;
    // conv2 output is 2x2x3 (6x6 input, kernel 3, stride 2, valid): the Dense kernel is viewed as [H*W, C, units].
    expect(flat.view).toEqual([4, 3, 5]);
    cnn.dispose();
  });

  it('permuting hidden units leaves the outputs unchanged (MLP and CNN with BatchNorm)', async () => {
    const mlp = await makeMlp([5, 8, 7, 3], 2);
    const cnn = await makeCnn(3);
    const xm = randomInputs([16, 5], 4);
    const xc = randomInputs([4, 6, 6, 2], 5);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), async (seed) => {
        for (const [m, x] of [[mlp, xm], [cnn, xc]] as const) {
          const spec = sequentialPermutationSpec(m);
          const p = await applyPermutation(m, spec, randomPermutations(spec, createRng(seed)));
          // Same float32 sums in a different order: relative error ~ fan-in · 2^-24 per layer.
          assertAllClose(await outputs(p, x), await outputs(m, x), { rtol: 1e-4, atol: 1e-5, label: 'permuted outputs' });
          p.dispose();
        }
      }),
      { numRuns: 10 },
    );
    for (const t of [mlp, cnn, xm, xc]) t.dispose();
  });
});

describe('matching recovers a hidden permutation', () => {
  it('weight matching, layerwise OT and activation matching return the inverse permutation exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), async (seed) => {
        const A = await makeMlp([6, 10, 9, 4], seed);
        const spec = sequentialPermutationSpec(A);
        const q = randomPermutations(spec, createRng(seed, 1));
        const B = await applyPermutation(A, spec, q);
        const [pa, pb] = [await getParams(A), await getParams(B)];
        const wm = weightMatching(pa, pb, spec, { seed });
        const ot = layerwiseOTAlignment(pa, pb, spec);
        const x = randomInputs([64, 6], seed);
        const am = await activationMatching(A, B, x, spec);
        // Correlation (with REPAIR's +1e-4 in the denominator) can prefer a strongly correlated pair of high-variance
        // units over a low-variance unit's self-pair, so only check it returns permutations.
        const ac = await activationMatching(A, B, x, spec, { method: 'correlation' });
        const acts = sequentialOutputs(A, x, Object.values(spec.layers!).map((l) => l.activation));
        for (const name of Object.keys(spec.perms)) {
          const inv = Array.from(invertPermutation(q[name]!));
          expect(Array.from(wm.perms[name]!)).toEqual(inv);
          expect(Array.from(ot.perms[name]!)).toEqual(inv);
          // Units dead on the whole batch have all-zero cross-moments and tie; every live unit must match exactly.
          const z = (await acts.get(spec.layers![name]!.activation)!.array()) as number[][];
          inv.forEach((want, k) => {
            if (z.some((row) => row[k]! > 0)) expect(am[name]![k]).toBe(want);
          });
          expect([...ac[name]!].sort((u, w) => u - w)).toEqual(inv.map((_, k) => k));
          expect(ot.cost[name]).toBeLessThan(1e-9);
        }
        for (const t of acts.values()) t.dispose();
        // Aligned B equals A bit for bit (pure gathers).
        const aligned = permuteParams(pb, spec, wm.perms);
        for (const k of Object.keys(pa)) expect(Array.from(aligned[k]!.values)).toEqual(Array.from(pa[k]!.values));
        for (const t of [A, B, x]) t.dispose();
      }),
      // Fixed seed: coordinate descent may (rarely) stop in a local optimum and dead ReLU units tie in activation
      // matching, so the exact-recovery claim is pinned to reproducible draws rather than left to chance in CI.
      { numRuns: 8, seed: 20261127 },
    );
  });

  it('covariance-weighted layerwise OT also recovers it', async () => {
    const A = await makeMlp([6, 10, 9, 4], 11);
    const spec = sequentialPermutationSpec(A);
    const q = randomPermutations(spec, createRng(12));
    const B = await applyPermutation(A, spec, q);
    const x = randomInputs([64, 6], 13);
    const moments = await layerInputMoments(A, x, spec);
    const ot = layerwiseOTAlignment(await getParams(A), await getParams(B), spec, { cost: 'covariance', moments });
    for (const name of Object.keys(spec.perms)) {
      expect(Array.from(ot.perms[name]!)).toEqual(Array.from(invertPermutation(q[name]!)));
      expect(Math.abs(ot.cost[name]!)).toBeLessThan(1e-6);
    }
    for (const t of [A, B, x]) t.dispose();
  });

  it('weight matching objective never decreases between two unrelated networks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), async (seed) => {
        const A = await makeMlp([5, 12, 12, 12, 3], seed);
        const B = await makeMlp([5, 12, 12, 12, 3], seed + 1);
        const spec = sequentialPermutationSpec(A);
        const r = weightMatching(await getParams(A), await getParams(B), spec, { seed });
        for (let i = 1; i < r.objective.length; i++) expect(r.objective[i]!).toBeGreaterThanOrEqual(r.objective[i - 1]! - 1e-9);
        expect(r.sweeps).toBeLessThan(100);
        A.dispose();
        B.dispose();
      }),
      { numRuns: 8 },
    );
  });
});

describe('interpolation and barrier', () => {
  it('interpolation reproduces both endpoints exactly', async () => {
    const A = await makeMlp([4, 6, 3], 21);
    const B = await makeMlp([4, 6, 3], 22);
    const [pa, pb] = [await getParams(A), await getParams(B)];
    for (const [t, want] of [[0, pa], [1, pb]] as const) {
      const p = interpolateParams(pa, pb, t);
      for (const k of Object.keys(pa)) expect(Array.from(p[k]!.values)).toEqual(Array.from(want[k]!.values));
    }
    const m = await interpolate(A, B, 1);
    const pm = await getParams(m);
    for (const k of Object.keys(pb)) expect(Array.from(pm[k]!.values)).toEqual(Array.from(pb[k]!.values));
    for (const t of [A, B, m]) t.dispose();
  });

  it('barrier of a model with itself (and with a permuted, re-aligned copy) is 0', async () => {
    const A = await makeMlp([4, 8, 3], 31);
    const x = randomInputs([50, 4], 32);
    const y = tf.tensor1d(Array.from({ length: 50 }, (_, i) => i % 3), 'int32');
    const self = await lossBarrier(A, A, { x, y });
    expect(self.lossBarrier).toBe(0);
    expect(self.accuracyBarrier).toBe(0);
    const spec = sequentialPermutationSpec(A);
    const B = await applyPermutation(A, spec, randomPermutations(spec, createRng(33)));
    const naive = await lossBarrier(A, B, { x, y });
    const wm = weightMatching(await getParams(A), await getParams(B), spec);
    const aligned = await cloneModel(A, permuteParams(await getParams(B), spec, wm.perms));
    const after = await lossBarrier(A, aligned, { x, y });
    expect(after.lossBarrier).toBe(0);
    expect(naive.loss[0]).toBeCloseTo(naive.loss[10]!, 5);
    for (const t of [A, B, aligned, x, y]) t.dispose();
  });

  it('REPAIR matches the endpoint statistics and is a no-op between a model and itself', async () => {
    const A = await makeMlp([4, 8, 8, 3], 41);
    const B = await makeMlp([4, 8, 8, 3], 42);
    const spec = sequentialPermutationSpec(A);
    const x = randomInputs([200, 4], 43);
    const same = await repair(A, A, 0.5, x, spec);
    // Identical endpoints: the rescale factor is 1 up to float32 statistics (rel ~1e-6).
    assertAllClose(await outputs(same, x), await outputs(A, x), { rtol: 1e-3, atol: 1e-4, label: 'repair(A, A)' });
    const rep = await repair(A, B, 0.5, x, spec);
    const pr = await getParams(rep);
    const [pa, pb] = [await getParams(A), await getParams(B)];
    // First hidden layer's pre-activation std hits the interpolated target.
    const k0 = Object.keys(pa)[0]!;
    const b0 = Object.keys(pa)[1]!;
    const xs = (await x.data()) as Float32Array;
    const stdOf = (p: typeof pa, u: number): number => {
      const vals: number[] = [];
      for (let i = 0; i < 200; i++) {
        let s = p[b0]!.values[u]!;
        for (let d = 0; d < 4; d++) s += xs[i * 4 + d]! * p[k0]!.values[d * 8 + u]!;
        vals.push(s);
      }
      const m = vals.reduce((a, b) => a + b, 0) / 200;
      return Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / 200 + 1e-5);
    };
    for (let u = 0; u < 8; u++) expect(stdOf(pr, u)).toBeCloseTo(0.5 * stdOf(pa, u) + 0.5 * stdOf(pb, u), 3);
    for (const t of [A, B, x, same, rep]) t.dispose();
  });
});

describe('approximate dimension', () => {
  it('is d for isotropic rows, 1 for rank one, and matches tr(S)^2/tr(S^2)', () => {
    const I = new Float64Array(16);
    for (let i = 0; i < 4; i++) I[i * 5] = 1;
    expect(approximateDimension(4, I)).toBeCloseTo(4, 12);
    expect(weightSupportDimension(3, 4, [1, 2, 0, 0, 2, 4, 0, 0, -1, -2, 0, 0])).toBeCloseTo(1, 12);
    expect(weightSupportDimension(4, 4, I)).toBeCloseTo(4, 12);
    // Tall vs wide Gram give the same nonzero spectrum.
    const W = Float64Array.from({ length: 15 }, (_, i) => Math.sin(i * 1.7));
    const Wt = new Float64Array(15);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 5; j++) Wt[j * 3 + i] = W[i * 5 + j]!;
    expect(weightSupportDimension(3, 5, W)).toBeCloseTo(weightSupportDimension(5, 3, Wt), 10);
  });

  it('layer dimensions are permutation invariant', async () => {
    const A = await makeMlp([6, 10, 9, 4], 51);
    const spec = sequentialPermutationSpec(A);
    const pa = await getParams(A);
    const d1 = layerDimensions(pa, spec);
    const d2 = layerDimensions(permuteParams(pa, spec, randomPermutations(spec, createRng(52))), spec);
    for (const k of Object.keys(d1)) expect(d2[k]).toBeCloseTo(d1[k]!, 9);
    expect(Object.keys(d1)).toHaveLength(2);
    A.dispose();
  });
});
