import { fc } from '@fast-check/vitest';
import { createRng, selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { layerInputMoments } from './activations';
import { getParams } from './params';
import { sequentialPermutationSpec } from './permutation-spec';
import { applyPermutation, invertPermutation, permuteParams, randomPermutations } from './permute';
import { hiddenlyPermutedMlp, makeCnn, makeMlp, randomInputs, residualMlp } from './test-models';
import { layerwiseOTAlignment, matchingObjective, weightMatching } from './weight-matching';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('matching recovers a hidden permutation', () => {
  it('weight matching and layerwise OT return the inverse permutation exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 1e6 }), async (seed) => {
        const { A, B, spec, q } = await hiddenlyPermutedMlp(seed);
        const [pa, pb] = [await getParams(A), await getParams(B)];
        const wm = weightMatching(pa, pb, spec, { seed });
        const ot = layerwiseOTAlignment(pa, pb, spec);
        for (const name of Object.keys(spec.perms)) {
          const inv = Array.from(invertPermutation(q[name]!));
          expect(Array.from(wm.perms[name]!)).toEqual(inv);
          expect(Array.from(ot.perms[name]!)).toEqual(inv);
          expect(ot.cost[name]).toBeLessThan(1e-9);
        }
        // Aligned B equals A bit for bit (pure gathers).
        const aligned = permuteParams(pb, spec, wm.perms);
        for (const k of Object.keys(pa)) expect(Array.from(aligned[k]!.values)).toEqual(Array.from(pa[k]!.values));
        for (const t of [A, B]) t.dispose();
      }),
      // Fixed seed: coordinate descent may (rarely) stop in a local optimum, so the exact-recovery claim is pinned to
      // reproducible draws rather than left to chance in CI.
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
});

describe('hand-written permutation spec (residual stream shared by two blocks)', () => {
  const { spec, randomParams } = residualMlp;

  it('weight matching recovers the inverse permutation whenever it reaches the global optimum ||A||², and almost always does', () => {
    // Coordinate descent on coupled permutations can stop in a local optimum (the problem is NP-hard), so the exact
    // claim is conditional; the unconditional one is statistical over 30 seeded problems.
    let recovered = 0;
    for (let seed = 0; seed < 30; seed++) {
      const A = randomParams(seed);
      const q = randomPermutations(spec, createRng(seed, 2));
      const B = permuteParams(A, spec, q);
      const r = weightMatching(A, B, spec, { seed });
      const best = matchingObjective(A, A, spec, {});
      const final = r.objective[r.objective.length - 1]!;
      expect(final).toBeLessThanOrEqual(best + 1e-6);
      if (Math.abs(final - best) < 1e-6 * best) {
        for (const name of Object.keys(spec.perms)) expect(Array.from(r.perms[name]!)).toEqual(Array.from(invertPermutation(q[name]!)));
        recovered++;
      }
    }
    expect(recovered).toBeGreaterThanOrEqual(25);
  });
});
