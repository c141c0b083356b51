import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from './assignment';
import { checkCertificate, hungarianMinCost } from './hungarian.reference';

// sparseSolve is internal: linearSumAssignment switches to it from n = 256 (SPARSE_MIN_N in assignment.ts).
describe('sparse finishing phase of linearSumAssignment', () => {
  it('sparse finishing phase (n >= 256) is exact: matches Hungarian, with a certificate, on uniform, Gram and tied costs', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const n = 300;
    const d = 8;
    const A = Array.from({ length: n * d }, rnd);
    const B = Array.from({ length: n * d }, rnd);
    const gram = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) gram[i * n + j] = gram[i * n + j]! - A[i * d + k]! * B[j * d + k]!;
    const cases = [Float64Array.from({ length: n * n }, rnd), gram, Float64Array.from({ length: n * n }, () => Math.floor(rnd() * 4))];
    for (const C of cases) {
      const r = linearSumAssignment({ rows: n, cols: n, data: C });
      expect(Math.abs(r.cost - hungarianMinCost(n, n, C))).toBeLessThan(1e-7);
      checkCertificate(n, n, C, r);
    }
  });
});
