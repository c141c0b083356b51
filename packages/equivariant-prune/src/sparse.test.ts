import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { frobeniusNorm, operatorNorm, sparseFromDense, sparseIdentity, sparseToDense } from './sparse';

describe('sparse matrices and norms', () => {
  test.prop([fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 })], { numRuns: 30 })(
    'sparseToDense inverts sparseFromDense (exact zeros dropped)',
    (rows, cols, seed) => {
      const dense = Float64Array.from({ length: rows * cols }, (_, i) => ((seed + i) % 3 === 0 ? 0 : ((seed * 7 + i) % 11) - 5));
      const m = sparseFromDense(dense, rows, cols);
      expect(m.values.every((v) => v !== 0)).toBe(true);
      expect(sparseToDense(m)).toEqual(dense);
    },
  );

  it('dropTol drops small finite entries and keeps the rest', () => {
    expect(sparseFromDense([1, 1e-13, 0, 2], 2, 2, 1e-12).values).toEqual(Float64Array.from([1, 2]));
  });

  it('the identity, and norms of a diagonal matrix: ‖diag(3, 4)‖_op = 4, ‖·‖_F = 5', () => {
    expect(sparseToDense(sparseIdentity(3))).toEqual(Float64Array.from([1, 0, 0, 0, 1, 0, 0, 0, 1]));
    const d = Float64Array.from([3, 0, 0, 4]);
    expect(operatorNorm(d, 2, 2)).toBeCloseTo(4, 10);
    expect(frobeniusNorm(d)).toBe(5);
  });

  test.prop([fc.integer({ min: 0, max: 1e6 })], { numRuns: 10 })('power iteration never over-reports: ‖A‖_op <= ‖A‖_F', (seed) => {
    const a = Float64Array.from({ length: 12 }, (_, i) => Math.sin(seed + 3 * i));
    expect(operatorNorm(a, 3, 4, 50, seed)).toBeLessThanOrEqual(frobeniusNorm(a) * (1 + 1e-12));
  });
});
