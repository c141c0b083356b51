import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { layerInputMoments, sequentialOutputs } from './activations';
import { getParams, interpolate } from './params';
import { repair } from './repair';
import { sequentialPermutationSpec } from './permutation-spec';
import { invertPermutation, permuteParams, randomPermutations } from './permute';
import { makeCnn, randomInputs } from './test-models';
import { layerwiseOTAlignment } from './weight-matching';

beforeAll(async () => {
  await selectBackend('cpu');
});

it('Conv2D input moments: w̃ᵀ E[x̃x̃ᵀ] w̃ equals the mean squared pre-activation over the feature map', async () => {
  const model = await makeCnn(4);
  const spec = sequentialPermutationSpec(model);
  const x = randomInputs([3, 6, 6, 2], 5);
  const mom = await layerInputMoments(model, x, spec);
  const p = await getParams(model);
  // The second conv (layer 3: 3 filters, stride 2, valid) produces P3; its input is layer 2's output.
  const name = 'P3';
  const inp = sequentialOutputs(model, x, [2]).get(2)!;
  const k = p['3/kernel']!;
  const b = p['3/bias']!;
  const pre = tf.add(tf.conv2d(inp as tf.Tensor4D, tf.tensor4d(k.values, k.shape as [number, number, number, number]), 2, 'valid'), tf.tensor1d(b.values));
  const ms = await tf.mean(tf.reshape(tf.square(pre), [-1, 3]), 0).data();
  const m = mom[name]!;
  const q = m.dim;
  expect(q).toBe(3 * 3 * 4 + 1);
  const units = 3;
  for (let u = 0; u < units; u++) {
    const w = new Float64Array(q);
    for (let i = 0; i < q - 1; i++) w[i] = k.values[i * units + u]!;
    w[q - 1] = b.values[u]!;
    let s = 0;
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) s += w[i]! * m.data[i * q + j]! * w[j]!;
    // float32 patches and conv sums of 37 terms: relative 1e-4 is ample.
    expect(s).toBeCloseTo(ms[u]!, 4);
  }
  tf.dispose([x, inp, pre]);
  model.dispose();
});

it('covariance-weighted layer-wise OT on a CNN recovers a hidden permutation exactly (cost 0)', async () => {
  const model = await makeCnn(6);
  const spec = sequentialPermutationSpec(model);
  const x = randomInputs([4, 6, 6, 2], 7);
  const pa = await getParams(model);
  const perms = randomPermutations(spec, createRng(8));
  const pb = permuteParams(pa, spec, perms);
  const mom = await layerInputMoments(model, x, spec);
  const r = layerwiseOTAlignment(pa, pb, spec, { cost: 'covariance', moments: mom });
  for (const name of Object.keys(spec.perms)) {
    // B = π(A) with B[k] = A[perm[k]], so aligning B back needs perm⁻¹.
    expect(Array.from(r.perms[name]!)).toEqual(Array.from(invertPermutation(perms[name]!)));
    expect(Math.abs(r.cost[name]!)).toBeLessThan(1e-9);
  }
  x.dispose();
  model.dispose();
});

it('REPAIR on a net with BatchNorm resets its running statistics: the BN output on x has mean β_t per channel', async () => {
  const A = await makeCnn(11);
  const B = await makeCnn(12);
  const spec = sequentialPermutationSpec(A);
  const x = randomInputs([5, 6, 6, 2], 13);
  const t = 0.4;
  const rep = await repair(A, B, t, x, spec);
  const bnOut = sequentialOutputs(rep, x, [1]).get(1)!;
  const m = await tf.mean(tf.reshape(bnOut, [-1, 4]), 0).data();
  const [pa, pb] = [await getParams(A), await getParams(B)];
  const key = Object.keys(pa).find((k) => k.startsWith('1/') && k.endsWith('beta'))!;
  for (let c = 0; c < 4; c++) expect(m[c]).toBeCloseTo((1 - t) * pa[key]!.values[c]! + t * pb[key]!.values[c]!, 4);
  // Without the reset the interpolated running statistics are the endpoints' and the mean is off.
  const plain = await interpolate(A, B, t);
  const m0 = await tf.mean(tf.reshape(sequentialOutputs(plain, x, [1]).get(1)!, [-1, 4]), 0).data();
  expect(Math.max(...Array.from(m0, (v, c) => Math.abs(v - m[c]!)))).toBeGreaterThan(1e-2);
  tf.dispose([x, bnOut]);
  for (const mdl of [A, B, rep, plain]) mdl.dispose();
});
