import { fc } from '@fast-check/vitest';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { assertAllClose } from '@lemma/gpu-kernels/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { sequentialPermutationSpec } from './permutation-spec';
import { applyPermutation, permuteParams, randomPermutations } from './permute';
import { makeCnn, makeMlp, outputs, randomInputs, residualMlp } from './test-models';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('applyPermutation', () => {
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

describe('hand-written permutation spec (residual stream shared by two blocks)', () => {
  const { spec, randomParams, forward } = residualMlp;

  it('permuting with the spec keeps the function', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
        const A = randomParams(seed);
        const B = permuteParams(A, spec, randomPermutations(spec, createRng(seed, 2)));
        const x = Float64Array.from([0.3, -1.2, 0.7]);
        const ya = forward(A, x);
        const yb = forward(B, x);
        // Same float64 sums of float32 weights in another order: differences at the 1e-15 level.
        ya.forEach((v, i) => expect(Math.abs(v - yb[i]!)).toBeLessThan(1e-9));
      }),
      { numRuns: 30 },
    );
  });
});
