import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { applyPermutation, composePermutations, identityPermutation, invertPermutation, isPermutation } from './permutation';

/** A random permutation of n indices (Fisher–Yates driven by fast-check's keys). */
const arbPermutation = (n: number) =>
  fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }).map((keys) => Int32Array.from(keys.map((k, i) => [k, i] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i)));

describe('index permutations', () => {
  test.prop([fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(arbPermutation(n), arbPermutation(n)))], { numRuns: 50 })(
    'p ∘ p⁻¹ is the identity and applying a ∘ b equals applying b then a',
    ([a, b]) => {
      const n = a.length;
      expect(isPermutation(a)).toBe(true);
      expect(composePermutations(a, invertPermutation(a))).toEqual(identityPermutation(n));
      const x = Float64Array.from({ length: 2 * n }, (_, i) => i + 0.5);
      expect(applyPermutation(composePermutations(a, b), x, 2)).toEqual(applyPermutation(a, applyPermutation(b, x, 2), 2));
    },
  );

  test.prop([fc.array(fc.integer({ min: -1, max: 6 }), { minLength: 1, maxLength: 6 })], { numRuns: 100 })(
    'isPermutation is true exactly when every index 0..n-1 appears once',
    (p) => {
      const want = [...p].sort((a, b) => a - b).every((v, i) => v === i);
      expect(isPermutation(p)).toBe(want);
    },
  );

  test.prop([fc.integer({ min: 1, max: 10 }).chain(arbPermutation)], { numRuns: 30 })('applyPermutation moves x[i] to position p[i]', (p) => {
    const x = Float64Array.from(p, (_, i) => 10 * i);
    const y = applyPermutation(p, x);
    p.forEach((to, i) => expect(y[to]).toBe(x[i]));
  });
});
