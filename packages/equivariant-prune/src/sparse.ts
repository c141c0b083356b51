/** Sparse (COO) float64 matrices: basis elements of permutation representations are 0/1 and very sparse. */
import { createRng } from '@lemma/gpu-kernels';

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
  for (const [name, v] of [['rows', rows], ['cols', cols]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new Error(`sparseFromDense: ${name} must be a non-negative integer, got ${String(v)}`);
  }
  if (typeof dropTol !== 'number' || !(dropTol >= 0) || !Number.isFinite(dropTol)) throw new Error(`sparseFromDense: dropTol must be a finite number >= 0, got ${String(dropTol)}`);
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

/** Dense row-major copy. Duplicate coordinates are summed. */
export function sparseToDense(m: SparseMatrix): Float64Array {
  const out = new Float64Array(m.rows * m.cols);
  for (let e = 0; e < m.values.length; e++) out[m.rowIdx[e]! * m.cols + m.colIdx[e]!]! += m.values[e]!;
  return out;
}

/** y += alpha · M x (x of length cols at offset xo, y of length rows at offset yo). */
export function sparseMatVecAdd(
  m: SparseMatrix,
  alpha: number,
  x: Float64Array,
  xo: number,
  y: Float64Array,
  yo: number,
): void {
  const { rowIdx, colIdx, values } = m;
  for (let e = 0; e < values.length; e++) y[yo + rowIdx[e]!]! += alpha * values[e]! * x[xo + colIdx[e]!]!;
}

/** x += alpha · Mᵀ y (y of length rows at offset yo, x of length cols at offset xo): the adjoint of {@link sparseMatVecAdd}. */
export function sparseMatTVecAdd(m: SparseMatrix, alpha: number, y: Float64Array, yo: number, x: Float64Array, xo: number): void {
  const { rowIdx, colIdx, values } = m;
  for (let e = 0; e < values.length; e++) x[xo + colIdx[e]!]! += alpha * values[e]! * y[yo + rowIdx[e]!]!;
}

/** Identity matrix of size n in sparse form. */
export function sparseIdentity(n: number): SparseMatrix {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return { rows: n, cols: n, rowIdx: idx, colIdx: idx.slice(), values: new Float64Array(n).fill(1) };
}

/**
 * Largest singular value of a dense row-major matrix by power iteration on AᵀA (seeded start).
 * Power iteration approaches the true value from below, so it never over-reports the norm.
 */
export function operatorNorm(a: Float64Array, rows: number, cols: number, iterations = 200, seed = 0): number {
  if (a.length !== rows * cols) throw new Error(`operatorNorm: a must have length ${rows * cols}, got ${a.length}`);
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

/** Frobenius norm (an upper bound on the operator norm). */
export function frobeniusNorm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return Math.sqrt(s);
}
