import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { MAX_ECHELON_WORK, matrixRank, nullSpace, rowEchelon } from './nullspace';

describe('rank and null space by elimination', () => {
  it('finite matrices keep their rank', () => {
    expect(matrixRank(Float64Array.from([1, 2, 2, 4]), 2, 2)).toBe(1);
    expect(matrixRank(Float64Array.from([1, 0, 0, 1]), 2, 2)).toBe(2);
  });

  it('refuses an elimination whose work (rows·cols·min) exceeds the cap, however few its entries, and takes a tall thin one', () => {
    // 4096 x 4096 has 2^24 entries (under the entry cap) but 2^36 multiply-adds.
    expect(() => matrixRank(new Float64Array(4096 * 4096), 4096, 4096)).toThrow(/matrixRank: rows·cols·min\(rows, cols\) \(the elimination's work\) must be <= 17179869184, got 68719476736 for 4096x4096/);
    expect(MAX_ECHELON_WORK).toBe(2 ** 34);
    // 2^20 x 2: work 2^22, fine; two independent columns.
    const tall = new Float64Array(2 ** 21);
    tall[0] = 1;
    tall[3] = 1;
    expect(matrixRank(tall, 2 ** 20, 2)).toBe(2);
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
