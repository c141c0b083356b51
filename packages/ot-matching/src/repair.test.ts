import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { assertAllClose } from '@lemma/gpu-kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequentialOutputs } from './activations';
import { getParams, interpolate } from './params';
import { sequentialPermutationSpec } from './permutation-spec';
import { repair } from './repair';
import { makeCnn, makeMlp, outputs, randomInputs } from './test-models';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('REPAIR', () => {
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
});
