import * as tf from '@tensorflow/tfjs-core';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { lossBarrier } from './barrier';
import { cloneModel, getParams } from './params';
import { sequentialPermutationSpec } from './permutation-spec';
import { applyPermutation, permuteParams, randomPermutations } from './permute';
import { makeMlp, randomInputs } from './test-models';
import { weightMatching } from './weight-matching';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('lossBarrier', () => {
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
});
