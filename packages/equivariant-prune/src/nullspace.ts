/** Null spaces and ranks of small dense float64 matrices by Gaussian elimination with full pivoting (standard linear algebra). */
import { expectInteger, expectNumber, invalidArgument } from '@lemma/gpu-kernels/validate';
import { MAX_DENSE_ENTRIES } from './sparse';

/** Most multiply-adds one elimination may take (rows·cols·min(rows, cols)): about 10-20 s of JS, not hours. */
export const MAX_ECHELON_WORK = 2 ** 34;

/** Result of {@link rowEchelon}. */
export interface Echelon {
  /** Reduced row-echelon form (row-major, rows x cols), only the first `rank` rows meaningful. */
  r: Float64Array;
  rank: number;
  /** Pivot column of each of the first `rank` rows. */
  pivots: Int32Array;
  /** The tolerance used to call a pivot zero. */
  tol: number;
}

/**
 * Reduced row-echelon form with partial (column-wise max) pivoting. A pivot counts as zero below
 * tol = max(rows, cols) · 2^-52 · max|A| (NumPy's matrix_rank rule): elimination on O(1) entries
 * loses about that much per step, and the constraint matrices here hold small integers.
 */
export function rowEchelon(a: Float64Array, rows: number, cols: number, tol?: number): Echelon {
  return echelon('rowEchelon', a, rows, cols, tol);
}

/** {@link rowEchelon} with errors naming `fn`, the public entry that was called. */
function echelon(fn: string, a: Float64Array, rows: number, cols: number, tol?: number): Echelon {
  expectInteger(fn, 'rows', rows);
  expectInteger(fn, 'cols', cols);
  if (rows * cols > MAX_DENSE_ENTRIES) throw new RangeError(`${fn}: rows·cols must be <= ${MAX_DENSE_ENTRIES}, got ${rows}·${cols}`);
  const work = rows * cols * Math.min(rows, cols);
  if (work > MAX_ECHELON_WORK) throw new RangeError(`${fn}: rows·cols·min(rows, cols) (the elimination's work) must be <= ${MAX_ECHELON_WORK}, got ${work} for ${rows}x${cols}`);
  if (tol !== undefined) expectNumber(fn, 'tol', tol, { min: 0 });
  if (!(Array.isArray(a) || ArrayBuffer.isView(a))) throw invalidArgument(fn, 'a', `a Float64Array of length rows·cols = ${rows * cols}`, a, 'type');
  if (a.length !== rows * cols) throw new Error(`${fn}: a must have length ${rows * cols}, got ${a.length}`);
  const r = Float64Array.from(a);
  let maxAbs = 0;
  for (let i = 0; i < r.length; i++) {
    // NaN fails every pivot comparison, so a NaN matrix would silently get rank 0.
    if (!Number.isFinite(r[i]!)) throw new Error(`${fn}: a must be finite, got ${r[i]} at index ${i}`);
    maxAbs = Math.max(maxAbs, Math.abs(r[i]!));
  }
  const t = tol ?? Math.max(rows, cols) * 2 ** -52 * Math.max(maxAbs, 1) * 16;
  const pivots: number[] = [];
  let row = 0;
  for (let c = 0; c < cols && row < rows; c++) {
    let best = -1;
    let bestAbs = t;
    for (let i = row; i < rows; i++) {
      const v = Math.abs(r[i * cols + c]!);
      if (v > bestAbs) {
        bestAbs = v;
        best = i;
      }
    }
    if (best < 0) {
      for (let i = row; i < rows; i++) r[i * cols + c] = 0;
      continue;
    }
    if (best !== row) {
      for (let j = 0; j < cols; j++) {
        const tmp = r[row * cols + j]!;
        r[row * cols + j] = r[best * cols + j]!;
        r[best * cols + j] = tmp;
      }
    }
    const inv = 1 / r[row * cols + c]!;
    for (let j = c; j < cols; j++) r[row * cols + j]! *= inv;
    for (let i = 0; i < rows; i++) {
      if (i === row) continue;
      const f = r[i * cols + c]!;
      if (f === 0) continue;
      for (let j = c; j < cols; j++) r[i * cols + j]! -= f * r[row * cols + j]!;
    }
    pivots.push(c);
    row++;
  }
  return { r, rank: pivots.length, pivots: Int32Array.from(pivots), tol: t };
}

/** Rank of a dense row-major matrix (see {@link rowEchelon} for the tolerance). */
export function matrixRank(a: Float64Array, rows: number, cols: number): number {
  return echelon('matrixRank', a, rows, cols).rank;
}

/**
 * A basis of the null space {v : A v = 0}: one vector per free column f, with v_f = 1 and the pivot
 * entries read from the reduced row-echelon form.
 */
export function nullSpace(a: Float64Array, rows: number, cols: number): Float64Array[] {
  const { r, rank, pivots } = echelon('nullSpace', a, rows, cols);
  const isPivot = new Uint8Array(cols);
  for (let i = 0; i < rank; i++) isPivot[pivots[i]!] = 1;
  const out: Float64Array[] = [];
  for (let f = 0; f < cols; f++) {
    if (isPivot[f]) continue;
    const v = new Float64Array(cols);
    v[f] = 1;
    for (let i = 0; i < rank; i++) v[pivots[i]!] = -r[i * cols + f]!;
    out.push(v);
  }
  return out;
}
