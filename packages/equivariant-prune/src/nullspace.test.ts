import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { matrixRank, nullSpace, rowEchelon } from './nullspace';

describe('rank and null space by elimination', () => {
  it('finite matrices keep their rank', () => {
    expect(matrixRank(Float64Array.from([1, 2, 2, 4]), 2, 2)).toBe(1);
    expect(matrixRank(Float64Array.from([1, 0, 0, 1]), 2, 2)).toBe(2);
  });

  test.prop([fc.array(fc.integer({ min: -3, max: 3 }), { minLength: 12, maxLength: 12 })], { numRuns: 60 })(
    'A v = 0 for every null-space vector, and rank + nullity = cols',
    (entries) => {
      const a = Float64Array.from(entries);
      const ns = nullSpace(a, 3, 4);
      expect(rowEchelon(a, 3, 4).rank + ns.length).toBe(4);
      for (const v of ns) {
        for (let r = 0; r < 3; r++) {
          let s = 0;
          for (let c = 0; c < 4; c++) s += a[r * 4 + c]! * v[c]!;
          // Small integer entries: elimination leaves rounding of a few ulps of O(10) values.
          expect(Math.abs(s)).toBeLessThan(1e-12);
        }
      }
    },
  );
});
