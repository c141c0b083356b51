/** fast-check arbitraries shared by this package's tests (not exported from the package). */
import { fc } from '@fast-check/vitest';

/** A small discrete problem: probabilities p (all > 0), rewards r (some ties on a 0.5 grid), K. */
export interface DiscreteCase {
  p: Float64Array;
  r: Float64Array;
  K: number;
}

/** Probability vector of length n with every entry >= 1e-3 of the total (no empty atoms). */
export const arbProbs = (minN: number, maxN: number): fc.Arbitrary<Float64Array> =>
  fc.array(fc.double({ min: 1e-3, max: 1, noNaN: true }), { minLength: minN, maxLength: maxN }).map((a) => {
    const s = a.reduce((x, y) => x + y, 0);
    return Float64Array.from(a, (v) => v / s);
  });

/** Rewards on a half-integer grid in [-3, 3] so that level sets (ties) occur often. */
export const arbRewards = (n: number): fc.Arbitrary<Float64Array> =>
  fc.array(fc.integer({ min: -6, max: 6 }), { minLength: n, maxLength: n }).map((a) => Float64Array.from(a, (v) => v / 2));

/** A full discrete case with n in [minN, maxN] atoms and K in [minK, maxK]. */
export const arbCase = (minN = 2, maxN = 5, minK = 1, maxK = 6): fc.Arbitrary<DiscreteCase> =>
  arbProbs(minN, maxN).chain((p) =>
    fc.record({ p: fc.constant(p), r: arbRewards(p.length), K: fc.integer({ min: minK, max: maxK }) }),
  );
