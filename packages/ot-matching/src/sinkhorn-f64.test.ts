import { fc, test } from '@fast-check/vitest';
import { assertAllClose } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from './assignment';
import { sinkhornF64 } from './sinkhorn-f64';

/** Small random problem: positive weights summing to 1, costs in [0, 1). */
const arbProblem = fc
  .record({ n: fc.integer({ min: 2, max: 8 }), m: fc.integer({ min: 2, max: 8 }), seed: fc.integer({ min: 1, max: 1e6 }) })
  .map(({ n, m, seed }) => {
    let s = seed;
    const rnd = (): number => ((s = (s * 16807) % 2147483647) / 2147483647);
    const a = Array.from({ length: n }, () => 0.2 + rnd());
    const b = Array.from({ length: m }, () => 0.2 + rnd());
    const sa = a.reduce((x, y) => x + y, 0);
    const sb = b.reduce((x, y) => x + y, 0);
    return { n, m, a: a.map((x) => x / sa), b: b.map((x) => x / sb), C: Float64Array.from({ length: n * m }, rnd) };
  });

describe('sinkhornF64', () => {
  test.prop([arbProblem, fc.constantFrom(0.05, 0.2, 1)], { numRuns: 40 })('plan is positive and meets both marginals', ({ n, m, a, b, C }, eps) => {
    const r = sinkhornF64(a, b, C, eps, { threshold: 1e-10, maxIterations: 5000 });
    expect(r.converged).toBe(true);
    const P = r.plan!;
    for (let k = 0; k < P.length; k++) expect(P[k]!).toBeGreaterThan(0);
    // Rows are exact after the last row update up to the column update; both within the threshold (plus float64 rounding).
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += P[i * m + j]!;
      expect(Math.abs(s - a[i]!)).toBeLessThan(1e-8);
    }
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += P[i * m + j]!;
      expect(Math.abs(s - b[j]!)).toBeLessThan(1e-8);
    }
  });

  test.prop([arbProblem, fc.integer({ min: 0, max: 100 })], { numRuns: 30 })('plan is invariant to C + r 1ᵀ + 1 cᵀ', ({ n, m, a, b, C }, seed) => {
    const C2 = new Float64Array(n * m);
    for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) C2[i * m + j] = C[i * m + j]! + Math.sin(seed + i) + Math.cos(seed * 3 + j);
    const opts = { threshold: 1e-11, maxIterations: 5000, epsilonScaling: false as const };
    const p1 = sinkhornF64(a, b, C, 0.1, opts).plan!;
    const p2 = sinkhornF64(a, b, C2, 0.1, opts).plan!;
    assertAllClose(p2, p1, { atol: 1e-8, rtol: 1e-6, label: 'shifted plan' });
  });

  it('regularised cost decreases to the exact OT cost as ε -> 0 (uniform weights, vs assignment)', () => {
    for (const seed of [1, 2, 3]) {
      const n = 6;
      let s = seed;
      const rnd = (): number => ((s = (s * 48271) % 2147483647) / 2147483647);
      const C = Float64Array.from({ length: n * n }, rnd);
      const w = new Array<number>(n).fill(1 / n);
      const exact = linearSumAssignment({ rows: n, cols: n, data: C }).cost / n;
      let prev = Infinity;
      let lastSlack = 0;
      for (const eps of [1, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001]) {
        // Small ε converges slowly: 20000 iterations leave a marginal error of a few 1e-6 at ε ≤ 0.01 (expected, hence warn: false).
        const r = sinkhornF64(w, w, C, eps, { threshold: 1e-12, maxIterations: 20000, warn: false });
        // ⟨f,a⟩+⟨g,b⟩ equals the primal only at convergence; its slack is at most ~max|C| (≤ 1) times the marginal error.
        const slack = 2 * r.marginalError + 1e-12;
        expect(r.regularizedCost).toBeLessThanOrEqual(prev + slack);
        expect(r.regularizedCost).toBeGreaterThanOrEqual(exact - slack);
        expect(r.transportCost).toBeGreaterThanOrEqual(exact - slack);
        prev = r.regularizedCost;
        lastSlack = slack;
      }
      // At ε = 1e-3 the gap is at most ε·log(n²) (entropy bound) plus convergence slack.
      expect(prev - exact).toBeLessThan(1e-3 * Math.log(n * n) + lastSlack);
    }
  });

  it('warm start from the converged potentials converges immediately', () => {
    const a = [0.3, 0.7];
    const b = [0.6, 0.4];
    const C = Float64Array.from([0, 1, 2, 0.5]);
    const r = sinkhornF64(a, b, C, 0.1, { threshold: 1e-12 });
    const w = sinkhornF64(a, b, C, 0.1, { threshold: 1e-9, init: { f: r.f, g: r.g }, checkEvery: 1 });
    expect(w.iterations).toBe(1);
    expect(Math.abs(w.regularizedCost - r.regularizedCost)).toBeLessThan(1e-9);
  });

  it('relative ε scales with the cost statistic', () => {
    const C = Float64Array.from([0, 2, 2, 0]);
    const r = sinkhornF64([0.5, 0.5], [0.5, 0.5], C, 0.1, { relativeEpsilon: 'mean' });
    expect(r.epsilon).toBeCloseTo(0.1, 12);
    const r2 = sinkhornF64([0.5, 0.5], [0.5, 0.5], C, 0.1, { relativeEpsilon: 'max' });
    expect(r2.epsilon).toBeCloseTo(0.2, 12);
  });

  it('rejects bad inputs naming the argument', () => {
    expect(() => sinkhornF64([0.5, 0.5], [1], [0, 1, 2], 0.1)).toThrow(/M must have a.length\*b.length = 2 entries, got 3/);
    expect(() => sinkhornF64([0.5, 0.5], [1], [0, NaN], 0.1)).toThrow(/M must be finite/);
    expect(() => sinkhornF64([0.5, 0.5], [0.9], [0, 1], 0.1)).toThrow(/same total mass/);
    expect(() => sinkhornF64([1, 0], [1], [0, 1], 0.1)).toThrow(/a must hold finite weights > 0, got 0 at index 1/);
    expect(() => sinkhornF64([1], [1], [0], 0)).toThrow(/reg must be a finite number > 0/);
  });
});
