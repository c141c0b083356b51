import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { createRng } from '@lemma/gpu-kernels';
import { toSamples } from './samples';
import { slicedWasserstein, wasserstein1dPow } from './wasserstein';

describe('sliced Wasserstein (stand-in OT distance)', () => {
  it('1-D W2² between {0,1} and {0,.5,1} is 1/12 (merged quantile functions)', () => {
    expect(wasserstein1dPow(Float64Array.of(0, 1), Float64Array.of(0, 0.5, 1))).toBeCloseTo(1 / 12, 14);
    expect(wasserstein1dPow(Float64Array.of(3), Float64Array.of(1), 1)).toBe(2);
  });

  test.prop([fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 2, maxLength: 40 })], { numRuns: 40 })(
    'is zero between a set and itself and symmetric',
    (xs) => {
      const a = toSamples(xs.slice(0, xs.length - (xs.length % 2)), 2);
      const b = toSamples(xs.slice(0, 2), 2);
      expect(slicedWasserstein(a, a, { rng: createRng(1) })).toBe(0);
      expect(slicedWasserstein(a, b, { rng: createRng(1) })).toBeCloseTo(slicedWasserstein(b, a, { rng: createRng(1) }), 12);
    },
  );

  it('a translation by v gives |v|/sqrt(dim) for p = 2', () => {
    const rng = createRng(2);
    const a = toSamples(rng.normalArray(400), 2);
    const b = toSamples(a.data.map((v, i) => v + (i % 2 === 0 ? 3 : 4)), 2);
    // 4000 directions: the mean of cos²φ has relative SD sqrt(1/8/4000)/0.5 ≈ 1.1%; 5% is > 4σ.
    const sw = slicedWasserstein(a, b, { rng: createRng(3), projections: 4000 });
    expect(Math.abs(sw - 5 / Math.sqrt(2)) / (5 / Math.sqrt(2))).toBeLessThan(0.05);
  });
});
