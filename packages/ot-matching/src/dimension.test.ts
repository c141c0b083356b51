import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { approximateDimension, layerDimensions, weightSupportDimension } from './dimension';
import { getParams } from './params';
import { sequentialPermutationSpec } from './permutation-spec';
import { permuteParams, randomPermutations } from './permute';
import { makeMlp } from './test-models';

beforeAll(async () => {
  await selectBackend('cpu');
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
