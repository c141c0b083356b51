/** Sparse (COO) float64 matrices: basis elements of permutation representations are 0/1 and very sparse. */
import { createRng } from '@lemma/gpu-kernels';
import { expectFiniteArray, expectInteger, expectNumber, expectSeed, invalidArgument } from '@lemma/gpu-kernels/validate';

/** Largest dense matrix (rows·cols entries) built or read anywhere: a Float64Array of 2^27 entries is 1 GiB. */
export const MAX_DENSE_ENTRIES = 1 << 27;

/** A sparse matrix in coordinate form. Entry e is `values[e]` at (`rowIdx[e]`, `colIdx[e]`). */
export interface SparseMatrix {
  readonly rows: number;
  readonly cols: number;
  readonly rowIdx: Int32Array;
  readonly colIdx: Int32Array;
  readonly values: Float64Array;
}

/** Builds a sparse matrix from a dense row-major array, dropping entries with |v| <= dropTol. */
export function sparseFromDense(dense: ArrayLike<number>, rows: number, cols: number, dropTol = 0): SparseMatrix {
  expectInteger('sparseFromDense', 'rows', rows);
  expectInteger('sparseFromDense', 'cols', cols);
  expectNumber('sparseFromDense', 'dropTol', dropTol, { min: 0 });
  if (!(Array.isArray(dense) || ArrayBuffer.isView(dense))) throw invalidArgument('sparseFromDense', 'dense', 'an array of finite numbers', dense, 'type');
  if (dense.length !== rows * cols) {
    throw new Error(`sparseFromDense: dense must have length rows*cols = ${rows * cols}, got ${dense.length}`);
  }
  const r: number[] = [];
  const c: number[] = [];
  const v: number[] = [];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = dense[i * cols + j]!;
      // A NaN would fail |x| > dropTol and vanish silently; a basis element with NaN is garbage.
      if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`sparseFromDense: dense must be finite numbers, got ${String(x)} at index ${i * cols + j}`);
      if (Math.abs(x) > dropTol) {
        r.push(i);
        c.push(j);
        v.push(x);
      }
    }
  }
  return { rows, cols, rowIdx: Int32Array.from(r), colIdx: Int32Array.from(c), values: Float64Array.from(v) };
}

/**
 * Throws unless `m` is a {@link SparseMatrix} (of shape rows x cols when given): integer sizes, index arrays as long
 * as `values`, every index inside the matrix and every value finite. An index outside would be dropped or
 * spill into the next row silently.
 */
export function expectSparse(fn: string, arg: string, m: unknown, rows?: number, cols?: number): SparseMatrix {
  if (m === null || typeof m !== 'object') throw invalidArgument(fn, arg, 'a SparseMatrix { rows, cols, rowIdx, colIdx, values }', m, 'type');
  const s = m as SparseMatrix;
  expectInteger(fn, `${arg}.rows`, s.rows, rows === undefined ? {} : { min: rows, max: rows, expected: `${rows}` });
  expectInteger(fn, `${arg}.cols`, s.cols, cols === undefined ? {} : { min: cols, max: cols, expected: `${cols}` });
  const n = s.values?.length;
  expectFiniteArray(fn, `${arg}.values`, s.values);
  for (const [name, idx, bound] of [['rowIdx', s.rowIdx, s.rows], ['colIdx', s.colIdx, s.cols]] as const) {
    if (!(Array.isArray(idx) || ArrayBuffer.isView(idx)) || (idx as ArrayLike<number>).length !== n) {
      throw invalidArgument(fn, `${arg}.${name}`, `an index array of length values.length = ${n}`, idx, 'type');
    }
    const a = idx as ArrayLike<number>;
    for (let e = 0; e < n; e++) {
      const v = a[e]!;
      if (!Number.isInteger(v) || v < 0 || v >= bound) throw invalidArgument(fn, `${arg}.${name}[${e}]`, `an integer in [0, ${bound})`, v);
    }
  }
  return s;
}

/** Dense row-major copy. Duplicate coordinates are summed. */
export function sparseToDense(m: SparseMatrix): Float64Array {
  expectSparse('sparseToDense', 'm', m);
  if (m.rows * m.cols > MAX_DENSE_ENTRIES) throw new RangeError(`sparseToDense: m must have rows·cols <= ${MAX_DENSE_ENTRIES}, got ${m.rows}·${m.cols}`);
  return denseOf(m);
}

/** {@link sparseToDense} without checks, for matrices already validated. */
export function denseOf(m: SparseMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let e = 0; e < m.values.length; e++) out[m.rowIdx[e]! * m.cols + m.colIdx[e]!]! += m.values[e]!;
  return out;
}

/** Identity matrix of size n in sparse form. */
export function sparseIdentity(n: number): SparseMatrix {
  expectInteger('sparseIdentity', 'n', n, { max: MAX_DENSE_ENTRIES });
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return { rows: n, cols: n, rowIdx: idx, colIdx: idx.slice(), values: new Float64Array(n).fill(1) };
}

/**
 * Largest singular value of a dense row-major matrix by power iteration on AᵀA (seeded start).
 * Power iteration approaches the true value from below, so it never over-reports the norm (standard).
 */
export function operatorNorm(a: Float64Array, rows: number, cols: number, iterations = 200, seed = 0): number {
  expectInteger('operatorNorm', 'rows', rows);
  expectInteger('operatorNorm', 'cols', cols);
  // 0 iterations would report 0, not a norm; the cap bounds the work (iterations·rows·cols).
  expectInteger('operatorNorm', 'iterations', iterations, { min: 1, max: MAX_NORM_ITERATIONS });
  expectSeed('operatorNorm', 'seed', seed);
  if (!(Array.isArray(a) || ArrayBuffer.isView(a)) || a.length !== rows * cols) throw invalidArgument('operatorNorm', 'a', `an array of length rows·cols = ${rows * cols}`, a);
  expectFiniteArray('operatorNorm', 'a', a);
  const rng = createRng(seed, 7);
  let v = rng.normalArray(cols);
  const u = new Float64Array(rows);
  let sigma = 0;
  for (let it = 0; it < iterations; it++) {
    let nv = 0;
    for (let j = 0; j < cols; j++) nv += v[j]! * v[j]!;
    nv = Math.sqrt(nv);
    if (nv === 0) return 0;
    for (let j = 0; j < cols; j++) v[j]! /= nv;
    u.fill(0);
    for (let i = 0; i < rows; i++) {
      let s = 0;
      const o = i * cols;
      for (let j = 0; j < cols; j++) s += a[o + j]! * v[j]!;
      u[i] = s;
    }
    let nu = 0;
    for (let i = 0; i < rows; i++) nu += u[i]! * u[i]!;
    sigma = Math.sqrt(nu);
    const w = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      const ui = u[i]!;
      if (ui === 0) continue;
      const o = i * cols;
      for (let j = 0; j < cols; j++) w[j]! += a[o + j]! * ui;
    }
    v = w;
  }
  return sigma;
}

/** Largest `iterations` of {@link operatorNorm}. */
export const MAX_NORM_ITERATIONS = 100_000;

/** Frobenius norm (an upper bound on the operator norm). */
export function frobeniusNorm(a: ArrayLike<number>): number {
  expectFiniteArray('frobeniusNorm', 'a', a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
