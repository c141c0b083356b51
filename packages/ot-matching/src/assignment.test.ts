import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { linearSumAssignment } from './assignment';
import { bruteForceMinCost, checkCertificate, costOf, hungarianMinCost, TOL } from './hungarian.reference';

/** Costs are small integers or uniform floats; integer costs make ties (the hard case for tie handling). */
const arbCost = (maxN: number) =>
  fc
    .record({ rows: fc.integer({ min: 1, max: maxN }), cols: fc.integer({ min: 1, max: maxN }), ints: fc.boolean() })
    .chain(({ rows, cols, ints }) =>
      fc
        .array(ints ? fc.integer({ min: -5, max: 5 }) : fc.double({ min: -10, max: 10, noNaN: true }), { minLength: rows * cols, maxLength: rows * cols })
        .map((vals) => ({ rows, cols, data: Float64Array.from(vals) })),
    );

describe('linearSumAssignment', () => {
  test.prop([arbCost(7)], { numRuns: 100 })('matches brute force and carries a dual certificate (n <= 7)', ({ rows, cols, data }) => {
    const r = linearSumAssignment({ rows, cols, data });
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j]!;
    const brute = rows <= cols ? bruteForceMinCost(rows, cols, data) : bruteForceMinCost(cols, rows, t);
    expect(Math.abs(r.cost - brute)).toBeLessThan(TOL);
    expect(Math.abs(costOf(cols, data, r.rowToCol) - r.cost)).toBeLessThan(TOL);
    checkCertificate(rows, cols, data, r);
  });

  test.prop([arbCost(40)], { numRuns: 60 })('agrees in cost with an independent Hungarian solver', ({ rows, cols, data }) => {
    const r = linearSumAssignment({ rows, cols, data });
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j]!;
    const ref = rows <= cols ? hungarianMinCost(rows, cols, data) : hungarianMinCost(cols, rows, t);
    expect(Math.abs(r.cost - ref)).toBeLessThan(TOL * 10);
    checkCertificate(rows, cols, data, r);
  });

  test.prop([arbCost(12), fc.integer({ min: 0, max: 1000 }), fc.double({ min: 0.1, max: 10, noNaN: true })], { numRuns: 60 })(
    'optimal cost moves by sum(r)+sum(c) under row/column shifts and scales with s > 0',
    ({ rows, cols, data }, seed, s) => {
      const base = linearSumAssignment({ rows, cols, data });
      const rr = Array.from({ length: rows }, (_, i) => Math.sin(seed + i) * 3);
      const cc = Array.from({ length: cols }, (_, j) => Math.cos(seed + 2 * j) * 3);
      const shifted = new Float64Array(data.length);
      const scaled = new Float64Array(data.length);
      for (let i = 0; i < rows; i++)
        for (let j = 0; j < cols; j++) {
          shifted[i * cols + j] = data[i * cols + j]! + (rows <= cols ? rr[i]! : 0) + (cols <= rows ? cc[j]! : 0);
          scaled[i * cols + j] = s * data[i * cols + j]!;
        }
      // Only the smaller side is fully assigned, so only its shifts move the optimum by a constant.
      const shift = (rows <= cols ? rr.reduce((a, b) => a + b, 0) : 0) + (cols <= rows ? cc.reduce((a, b) => a + b, 0) : 0);
      const rs = linearSumAssignment({ rows, cols, data: shifted });
      expect(Math.abs(rs.cost - base.cost - shift)).toBeLessThan(1e-8);
      expect(Math.abs(costOf(cols, data, rs.rowToCol) - base.cost)).toBeLessThan(1e-8);
      const rk = linearSumAssignment({ rows, cols, data: scaled });
      expect(Math.abs(rk.cost - s * base.cost)).toBeLessThan(1e-8 * (1 + s * Math.abs(base.cost)));
    },
  );

  test.prop([arbCost(12)], { numRuns: 60 })('maximise(C) = -minimise(-C) with a maximisation certificate', ({ rows, cols, data }) => {
    const neg = data.map((x) => -x);
    const mx = linearSumAssignment({ rows, cols, data }, { maximize: true });
    const mn = linearSumAssignment({ rows, cols, data: neg });
    expect(Math.abs(mx.cost + mn.cost)).toBeLessThan(TOL);
    checkCertificate(rows, cols, data, mx, true);
  });

  test.prop([arbCost(10)], { numRuns: 40 })('transposing swaps row and column assignments in cost', ({ rows, cols, data }) => {
    const t = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = data[i * cols + j]!;
    const a = linearSumAssignment({ rows, cols, data });
    const b = linearSumAssignment({ rows: cols, cols: rows, data: t });
    expect(Math.abs(a.cost - b.cost)).toBeLessThan(TOL);
  });

  test.prop(
    [fc.record({ n: fc.integer({ min: 200, max: 400 }), range: fc.constantFrom(2, 5, 20, 1000), gram: fc.boolean(), seed: fc.integer({ min: 1, max: 2 ** 30 }) })],
    { numRuns: 12 },
  )('integer costs with many ties at n = 200-400 (dense and sparse paths) match Hungarian with a certificate', ({ n, range, gram, seed }) => {
    let s = seed;
    const rnd = (): number => (s = (s * 48271) % 2147483647) / 2147483647;
    const C = new Float64Array(n * n);
    if (gram) {
      // Integer -A Bᵀ: weight-matching-like structure, heavily tied.
      const d = 4;
      const A = Array.from({ length: n * d }, () => Math.floor(rnd() * range) - (range >> 1));
      const B = Array.from({ length: n * d }, () => Math.floor(rnd() * range) - (range >> 1));
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < d; k++) C[i * n + j] = C[i * n + j]! - A[i * d + k]! * B[j * d + k]!;
    } else {
      for (let k = 0; k < n * n; k++) C[k] = Math.floor(rnd() * range);
    }
    const r = linearSumAssignment({ rows: n, cols: n, data: C });
    expect(r.cost).toBe(hungarianMinCost(n, n, C));
    expect(costOf(n, C, r.rowToCol)).toBe(r.cost);
    checkCertificate(n, n, C, r);
  });

  it('avoids forbidden pairs and reports infeasibility', () => {
    const I = Infinity;
    const r = linearSumAssignment({ rows: 3, cols: 3, data: [I, 1, I, 2, I, I, I, I, 5] });
    expect(Array.from(r.rowToCol)).toEqual([1, 0, 2]);
    expect(r.cost).toBe(8);
    expect(() => linearSumAssignment({ rows: 2, cols: 2, data: [1, I, 1, I] })).toThrow(/infeasible/);
    expect(() => linearSumAssignment({ rows: 1, cols: 1, data: [I] })).toThrow(/infeasible/);
  });

  it('rejects NaN, -Infinity and bad shapes with a named message', () => {
    expect(() => linearSumAssignment({ rows: 2, cols: 2, data: [1, NaN, 0, 0] })).toThrow(/NaN at \(0, 1\)/);
    expect(() => linearSumAssignment({ rows: 1, cols: 2, data: [1, -Infinity] })).toThrow(/-Infinity/);
    expect(() => linearSumAssignment({ rows: 2, cols: 2, data: [1, 2, 3] })).toThrow(/rows\*cols = 4 entries, got 3/);
  });

  it('fused validation (square Float64Array): NaN, ±Infinity and overflowing sums take the exact path', () => {
    for (const n of [5, 300]) {
      const base = Float64Array.from({ length: n * n }, (_, k) => ((k * 7919) % 101) / 7);
      const nan = base.slice();
      nan[3 * n + 2] = NaN;
      expect(() => linearSumAssignment({ rows: n, cols: n, data: nan })).toThrow(/NaN at \(3, 2\)/);
      const neg = base.slice();
      neg[n * n - 1] = -Infinity;
      expect(() => linearSumAssignment({ rows: n, cols: n, data: neg })).toThrow(/-Infinity/);
      // +Infinity and -Infinity together (their sum is NaN): still the -Infinity error.
      neg[0] = Infinity;
      expect(() => linearSumAssignment({ rows: n, cols: n, data: neg })).toThrow(/-Infinity/);
      // Forbidden pairs in a square Float64Array: same result as the plain-array path, never a forbidden pair.
      const inf = base.slice();
      for (let i = 0; i < n; i++) inf[i * n + ((i * 3) % n)] = Infinity;
      const r = linearSumAssignment({ rows: n, cols: n, data: inf });
      const ref = linearSumAssignment({ rows: n, cols: n, data: Array.from(inf) });
      expect(r.cost).toBeCloseTo(ref.cost, 9);
      for (let i = 0; i < n; i++) expect(inf[i * n + r.rowToCol[i]!]).not.toBe(Infinity);
      // Huge finite costs overflow the running sums (not the cost): the fallback validates exactly and solves.
      const huge = base.map((x) => (x + 1) * 1e304);
      const h = linearSumAssignment({ rows: n, cols: n, data: huge });
      expect(Number.isFinite(h.cost)).toBe(true);
      expect(h.cost).toBe(linearSumAssignment({ rows: n, cols: n, data: Array.from(huge) }).cost);
    }
  });

  it('solves a constant matrix and empty problems', () => {
    const r = linearSumAssignment({ rows: 4, cols: 4, data: new Float64Array(16).fill(2) });
    expect(r.cost).toBe(8);
    expect(new Set(r.rowToCol).size).toBe(4);
    expect(linearSumAssignment({ rows: 0, cols: 3, data: [] }).cost).toBe(0);
  });

  it("issue #17's example: number[][] in, scipy's (rowInd, colInd) out", () => {
    const r = linearSumAssignment([[4, 1], [2, 3]]);
    expect(Array.from(r.rowInd)).toEqual([0, 1]);
    expect(Array.from(r.colInd)).toEqual([1, 0]);
    expect(r.cost).toBe(3);
    expect(Array.from(r.rowToCol)).toEqual([1, 0]);
    const mx = linearSumAssignment([[4, 1], [2, 3]], { maximize: true });
    expect([Array.from(mx.rowInd), Array.from(mx.colInd), mx.cost]).toEqual([[0, 1], [0, 1], 7]);
  });

  it("matches scipy.optimize.linear_sum_assignment's outputs (unique optima; square, wide, tall, typed array + shape)", () => {
    const cases: [number[][], boolean, number[], number[], number][] = [
      // scipy's docstring example.
      [[[4, 1, 3], [2, 0, 5], [3, 2, 2]], false, [0, 1, 2], [1, 0, 2], 5],
      // More columns than rows: every row, ascending.
      [[[5, 1, 3]], false, [0], [1], 1],
      [[[1, 9, 2, 8], [7, 3, 9, 0]], false, [0, 1], [0, 3], 1],
      // More rows than columns: the chosen rows, ascending, with their columns (scipy sorts by row).
      [[[1], [0], [3]], false, [1], [0], 0],
      [[[9, 9], [1, 9], [9, 9], [9, 2]], false, [1, 3], [0, 1], 3],
      [[[9, 2], [9, 9], [1, 9]], false, [0, 2], [1, 0], 3],
      [[[9, 2], [8, 7], [1, 9]], true, [0, 2], [0, 1], 18],
    ];
    for (const [C, maximize, rowInd, colInd, cost] of cases) {
      const rows = C.length;
      const cols = C[0]!.length;
      for (const r of [linearSumAssignment(C, { maximize }), linearSumAssignment(Float64Array.from(C.flat()), [rows, cols], { maximize }), linearSumAssignment(Float32Array.from(C.flat()), [rows, cols], { maximize })]) {
        expect([Array.from(r.rowInd), Array.from(r.colInd), r.cost], JSON.stringify(C)).toEqual([rowInd, colInd, cost]);
      }
    }
  });

  it('empty matrices: no pairs, cost 0, like scipy on a 0 x n or n x 0 array', () => {
    for (const r of [linearSumAssignment([]), linearSumAssignment([[], []]), linearSumAssignment(new Float64Array(0), [0, 3])]) {
      expect([r.rowInd.length, r.colInd.length, r.cost]).toEqual([0, 0, 0]);
    }
    expect(Array.from(linearSumAssignment([[], []]).rowToCol)).toEqual([-1, -1]);
  });

  it('rejects ragged rows, flat data without a shape and a bad shape, naming the argument', () => {
    expect(() => linearSumAssignment([[4, 1], [2]])).toThrow(/^linearSumAssignment: C\[1\] must have length 2 \(that of C\[0\]: the rows of C must have one length\), got length 1$/);
    expect(() => linearSumAssignment([[4, 1], 2] as never)).toThrow(/^linearSumAssignment: C\[1\] must be an array of numbers, got 2$/);
    expect(() => linearSumAssignment(Float64Array.of(4, 1, 2, 3) as never)).toThrow(/^linearSumAssignment: shape must be given for flat data \(C is a Float64Array of length 4\)/);
    expect(() => linearSumAssignment(Float64Array.of(4, 1, 2, 3), [2, 2, 1] as never)).toThrow(/^linearSumAssignment: shape must be a \[rows, cols\] pair of non-negative integers, got an array of length 3$/);
    expect(() => linearSumAssignment(Float64Array.of(4, 1, 2), [2, 2])).toThrow(/rows\*cols = 4 entries, got 3/);
    expect(() => linearSumAssignment([[4, 1]], { maximise: true } as never)).toThrow(/unknown key 'maximise' \(did you mean 'maximize'\?\)/);
  });

  test.prop([arbCost(12), fc.boolean()], { numRuns: 80 })(
    'number[][] and (typed array, shape) give the same result as { rows, cols, data }',
    ({ rows, cols, data }, maximize) => {
      const ref = linearSumAssignment({ rows, cols, data }, { maximize });
      const nested = Array.from({ length: rows }, (_, i) => Array.from(data.subarray(i * cols, (i + 1) * cols)));
      expect(linearSumAssignment(nested, { maximize })).toEqual(ref);
      expect(linearSumAssignment(data, [rows, cols], { maximize })).toEqual(ref);
      expect(linearSumAssignment(Array.from(data), [rows, cols], { maximize })).toEqual(ref);
      expect(linearSumAssignment({ rows, cols, data: Array.from(data) }, { maximize })).toEqual(ref);
      const f32 = Float32Array.from(data);
      const nested32 = Array.from({ length: rows }, (_, i) => Array.from(f32.subarray(i * cols, (i + 1) * cols)));
      expect(linearSumAssignment(f32, [rows, cols], { maximize })).toEqual(linearSumAssignment(nested32, { maximize }));
    },
  );

  test.prop([arbCost(12), fc.boolean()], { numRuns: 80 })(
    'rowInd / colInd: length min(rows, cols), rows ascending, agreeing with rowToCol and colToRow, summing to cost',
    ({ rows, cols, data }, maximize) => {
      const r = linearSumAssignment(data, [rows, cols], { maximize });
      const k = Math.min(rows, cols);
      expect(r.rowInd.length).toBe(k);
      expect(r.colInd.length).toBe(k);
      let cost = 0;
      for (let t = 0; t < k; t++) {
        if (t > 0) expect(r.rowInd[t]!).toBeGreaterThan(r.rowInd[t - 1]!);
        expect(r.rowToCol[r.rowInd[t]!]).toBe(r.colInd[t]);
        expect(r.colToRow[r.colInd[t]!]).toBe(r.rowInd[t]);
        cost += data[r.rowInd[t]! * cols + r.colInd[t]!]!;
      }
      if (rows <= cols) expect(Array.from(r.rowInd)).toEqual(Array.from({ length: rows }, (_, i) => i));
      expect(r.rowToCol.filter((j) => j >= 0).length).toBe(k);
      expect(Math.abs(cost - r.cost)).toBeLessThan(TOL);
    },
  );

  it('does not modify the caller\'s matrix', () => {
    const c = Float64Array.from([3, 1, 2, 2, 3, 1, 1, 2, 3]);
    const copy = c.slice();
    linearSumAssignment({ rows: 3, cols: 3, data: c });
    expect(Array.from(c)).toEqual(Array.from(copy));
  });
});
