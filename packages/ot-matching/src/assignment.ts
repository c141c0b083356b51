import { describeValue, expectBoolean, expectLength, expectNumberArray, expectObject, expectOptions, expectShape, invalidArgument } from '@lemma/gpu-kernels/validate';
import { sparseSolve } from './assignment-sparse';

/**
 * Exact linear assignment: Jonker & Volgenant, "A shortest augmenting path algorithm for dense and sparse linear
 * assignment problems", Computing 38 (1987) — column reduction, two rounds of augmenting row reduction, then
 * Dijkstra-style shortest augmenting paths. Rectangular problems skip the reductions and run the augmentation from
 * zero column duals (Crouse 2016), which keeps the duals of unassigned columns at 0 as the rectangular LP requires.
 */

/** Options of {@link linearSumAssignment}. */
export interface AssignmentOptions {
  /** Maximise the total instead of minimising it (default false, like scipy). */
  maximize?: boolean;
}

/** An optimal assignment with its dual certificate. */
export interface AssignmentResult {
  /**
   * Rows of the assigned pairs in ascending order, scipy's `row_ind` (`scipy.optimize.linear_sum_assignment`):
   * length min(rows, cols), `0..rows-1` when rows <= cols.
   */
  rowInd: Int32Array;
  /** Columns of the assigned pairs, `colInd[k]` matched to `rowInd[k]` (scipy's `col_ind`). */
  colInd: Int32Array;
  /** `rowToCol[i]` = column assigned to row i, or -1 when there are more rows than columns and i is left out. */
  rowToCol: Int32Array;
  /** `colToRow[j]` = row assigned to column j, or -1 when column j is left out. */
  colToRow: Int32Array;
  /** Sum of the chosen entries, `Σ_k C[rowInd[k]][colInd[k]]`. */
  cost: number;
  /**
   * Row duals. Minimising: `C[i][j] - u[i] - v[j] >= 0` everywhere, `= 0` on assigned pairs, and
   * `sum(u) + sum(v) = cost` (duals of left-out columns/rows are 0). Maximising: the same with `<= 0`.
   */
  u: Float64Array;
  /** Column duals (see {@link AssignmentResult.u}). */
  v: Float64Array;
}

/** A dense cost matrix in row-major order. */
export interface CostMatrix {
  rows: number;
  cols: number;
  data: Float64Array | Float32Array | ArrayLike<number>;
}

/** A cost matrix as its rows (`number[][]`, or typed-array rows), all of one length. */
export type CostRows = readonly ArrayLike<number>[];

const FN = 'linearSumAssignment';
const OPTION_KEYS = ['maximize'] as const;

/**
 * Solves `min_σ Σ_i C[i][σ(i)]` over injective maps from the smaller side to the larger one, like scipy's
 * `linear_sum_assignment`. The cost matrix comes as its rows (`number[][]`), as a `{ rows, cols, data }` object, or
 * as flat row-major data with its shape `(data, [rows, cols])` (the order of `tf.tensor2d(values, shape)`; a
 * `Float64Array` is used without a copy). `+Infinity` marks a forbidden pair (an error is thrown when no assignment
 * avoids them); NaN and `-Infinity` are errors.
 *
 * Returns scipy's `rowInd` / `colInd` (the assigned pairs, rows ascending) beside both maps, the cost and a dual
 * certificate. Where several assignments are optimal, which one is returned may differ from scipy's (the cost does not).
 *
 * @example
 * const { rowInd, colInd, cost } = linearSumAssignment([[4, 1], [2, 3]]); // [0, 1], [1, 0], 3
 * linearSumAssignment(Float64Array.from([4, 1, 2, 3]), [2, 2], { maximize: true }).colInd; // [0, 1]
 */
export function linearSumAssignment(C: CostRows | CostMatrix, options?: AssignmentOptions): AssignmentResult;
export function linearSumAssignment(data: Float64Array | Float32Array | ArrayLike<number>, shape: readonly [rows: number, cols: number], options?: AssignmentOptions): AssignmentResult;
export function linearSumAssignment(
  C: CostRows | CostMatrix | ArrayLike<number>,
  shapeOrOptions?: readonly [number, number] | AssignmentOptions,
  maybeOptions?: AssignmentOptions,
): AssignmentResult {
  const withShape = Array.isArray(shapeOrOptions);
  if (!withShape && maybeOptions !== undefined) throw invalidArgument(FN, 'shape', 'a [rows, cols] array before the options', shapeOrOptions, 'type');
  const options = expectOptions(FN, 'options', (withShape ? maybeOptions : shapeOrOptions) as AssignmentOptions | undefined, OPTION_KEYS, { closest: true });
  if (options.maximize !== undefined) expectBoolean(FN, 'options.maximize', options.maximize);
  const M = withShape ? fromShape(C, shapeOrOptions) : isFlat(C) ? missingShape(C) : Array.isArray(C) ? fromRows(C as CostRows) : fromObject(C);
  return withScipyIndices(solve(M, options.maximize === true));
}

/** True for a typed array or a plain array whose first entry is a number (flat data, which needs a shape). */
function isFlat(C: unknown): C is ArrayLike<number> {
  return (ArrayBuffer.isView(C) && !(C instanceof DataView)) || (Array.isArray(C) && typeof C[0] === 'number');
}

function missingShape(C: ArrayLike<number>): never {
  throw invalidArgument(FN, 'shape', `given for flat data (C is ${describeValue(C)}): call linearSumAssignment(data, [rows, cols])`, undefined, 'type');
}

/** `(data, [rows, cols])`: the data as is (checked by {@link solve}). */
function fromShape(data: unknown, shape: unknown): CostMatrix {
  const s = expectShape(FN, 'shape', shape);
  if (s.length !== 2) throw invalidArgument(FN, 'shape', 'a [rows, cols] pair of non-negative integers', shape);
  return { rows: s[0]!, cols: s[1]!, data: expectNumberArray(FN, 'data', data) };
}

/** `number[][]`: every row an array of numbers of the length of `C[0]`, copied into one row-major Float64Array. */
function fromRows(C: CostRows): CostMatrix {
  const rows = C.length;
  const cols = rows === 0 ? 0 : expectNumberArray(FN, 'C[0]', C[0]).length;
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const row = expectNumberArray(FN, `C[${i}]`, C[i]);
    expectLength(FN, `C[${i}]`, row, cols, 'that of C[0]: the rows of C must have one length');
    for (let j = 0; j < cols; j++) data[i * cols + j] = row[j]!;
  }
  return { rows, cols, data };
}

/** `{ rows, cols, data }`: an object with a numeric `data` (sizes checked by {@link solve}). */
function fromObject(C: unknown): CostMatrix {
  const M = expectObject<CostMatrix>(FN, 'C', C, 'a cost matrix: number[][], { rows, cols, data } or (data, [rows, cols])');
  // A string or an array holding strings would pass the range checks and turn `cost` into a concatenation.
  expectNumberArray(FN, 'C.data', M.data);
  return M;
}

/** scipy's `(row_ind, col_ind)` from `rowToCol`: the assigned rows ascending and their columns. */
function withScipyIndices(r: Omit<AssignmentResult, 'rowInd' | 'colInd'>): AssignmentResult {
  const k = Math.min(r.rowToCol.length, r.colToRow.length);
  const rowInd = new Int32Array(k);
  const colInd = new Int32Array(k);
  let n = 0;
  for (let i = 0; i < r.rowToCol.length; i++) {
    const j = r.rowToCol[i]!;
    if (j < 0) continue;
    rowInd[n] = i;
    colInd[n++] = j;
  }
  return { rowInd, colInd, ...r };
}

/** The solver on a checked-shape matrix (entries validated here). */
function solve(C: CostMatrix, maximize: boolean): Omit<AssignmentResult, 'rowInd' | 'colInd'> {
  const { rows, cols, data } = C;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new Error(`linearSumAssignment: rows and cols must be non-negative integers, got ${rows} x ${cols}`);
  }
  if (data.length !== rows * cols) {
    throw new Error(`linearSumAssignment: data must have rows*cols = ${rows * cols} entries, got ${data.length}`);
  }
  const transpose = rows > cols;
  const nr = transpose ? cols : rows;
  const nc = transpose ? rows : cols;
  if (nr === 0) {
    return { rowToCol: new Int32Array(rows).fill(-1), colToRow: new Int32Array(cols).fill(-1), cost: 0, u: new Float64Array(rows), v: new Float64Array(cols) };
  }

  const x = new Int32Array(nr).fill(-1); // row -> col
  const y = new Int32Array(nc).fill(-1); // col -> row
  const v = new Float64Array(nc);
  // Square Float64Array to minimise (the common case): the column-minimum pass of JV's column reduction doubles as
  // the validation pass (its running sums are finite iff every entry is, barring overflow), so the matrix is streamed
  // once instead of twice. Anything non-finite falls back to the full validation below (which decides exactly).
  const square = nr === nc;
  const haveMinima = square && !transpose && !maximize && data instanceof Float64Array && columnMinima(nr, data, y, v);
  const W = haveMinima ? (data as Float64Array) : validateAndCopy(C, nr, nc, transpose, maximize, y);

  if (square && nr >= SPARSE_MIN_N) {
    // Large problems: column reduction, then the whole JV pipeline on each row's K cheapest reduced costs with a
    // per-row certificate against the full matrix; rows that fail it are finished densely (exact either way).
    const unique = new Uint8Array(nr);
    const free = columnReduction(nr, W, x, y, v, unique, false, haveMinima);
    augmentSweep(nc, W, sparseSolve(nr, W, free, unique, x, y, v, Math.min(nr - 1, Math.ceil(SPARSE_K_FACTOR * Math.sqrt(nr)))), x, y, v);
  } else if (square) {
    let free = columnReduction(nr, W, x, y, v, new Uint8Array(nr), true, haveMinima);
    for (let pass = 0; pass < 2 && free.length > 0; pass++) free = augmentingRowReduction(nr, W, free, x, y, v);
    augmentSweep(nc, W, free, x, y, v);
  } else {
    const free = new Int32Array(nr);
    for (let i = 0; i < nr; i++) free[i] = i;
    augmentSweep(nc, W, free, x, y, v);
  }

  // Row duals from complementary slackness: u_i = C[i, x_i] - v[x_i].
  const u = new Float64Array(nr);
  let cost = 0;
  for (let i = 0; i < nr; i++) {
    const j = x[i]!;
    const c = transpose ? data[j * cols + i]! : data[i * cols + j]!;
    if (c === Infinity) throw new Error('linearSumAssignment: infeasible, every assignment uses a forbidden (+Infinity) pair');
    cost += c;
    u[i] = W[i * nc + j]! - v[j]!;
  }
  if (maximize) {
    for (let i = 0; i < nr; i++) u[i] = -u[i]!;
    for (let j = 0; j < nc; j++) v[j] = -v[j]!;
  }
  if (transpose) return { rowToCol: y, colToRow: x, cost, u: v, v: u };
  return { rowToCol: x, colToRow: y, cost, u, v };
}

/**
 * Full validation (NaN / -Infinity are errors, +Infinity forbidden) and the work matrix: the caller's array when it
 * is already a square-or-wide Float64Array to minimise without forbidden pairs, else a copy (transposed, negated,
 * forbidden pairs priced out). Resets `y` (a failed fused pass may have written it).
 */
function validateAndCopy(C: CostMatrix, nr: number, nc: number, transpose: boolean, maximize: boolean, y: Int32Array): Float64Array {
  const { rows, cols, data } = C;
  y.fill(-1);
  const sign = maximize ? -1 : 1;
  // Two compares per entry on the common path; the finite range is only needed for forbidden pairs.
  let hasInf = false;
  for (let k = 0; k < data.length; k++) {
    const x = data[k]!;
    if (x < Infinity && x > -Infinity) continue;
    if (x !== x) throw new Error(`linearSumAssignment: C must not contain NaN, got NaN at (${Math.floor(k / cols)}, ${k % cols})`);
    if (x === -Infinity) throw new Error(`linearSumAssignment: C must not contain -Infinity (use +Infinity for forbidden pairs), got -Infinity at (${Math.floor(k / cols)}, ${k % cols})`);
    hasInf = true;
  }
  let lo = Infinity;
  let hi = -Infinity;
  if (hasInf) {
    for (let k = 0; k < data.length; k++) {
      const x = data[k]!;
      if (x !== Infinity) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
    }
    if (lo === Infinity) throw new Error('linearSumAssignment: infeasible, every pair of C is forbidden (+Infinity)');
  }
  if (!transpose && !maximize && !hasInf && data instanceof Float64Array) return data;
  const W = new Float64Array(nr * nc);
  // Any assignment using a forbidden pair costs more than every assignment avoiding them (range argument).
  const big = (maximize ? -lo : hi) + (nr + 1) * (hi - lo) + 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const x = data[i * cols + j]!;
      const w = x === Infinity ? big : sign * x;
      if (transpose) W[j * nc + i] = w;
      else W[i * nc + j] = w;
    }
  }
  return W;
}

/**
 * Column minima v_j = min_i C_ij with their argmin rows y_j (first row on ties), fused with validation: returns true
 * when every entry is finite (two running sums stay finite; an overflowing sum only sends the caller to the exact
 * check). Two columns per step with independent sums keep the add chains off the critical path.
 */
function columnMinima(n: number, C: Float64Array, y: Int32Array, v: Float64Array): boolean {
  let s0 = 0;
  let s1 = 0;
  // Row 0 initialises v (no compares).
  for (let j = 0; j < n; j++) {
    const c = C[j]!;
    v[j] = c;
    y[j] = 0;
    s0 += c;
  }
  for (let i = 1; i < n; i++) {
    const off = i * n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      const c0 = C[off + j]!;
      const c1 = C[off + j + 1]!;
      s0 += c0;
      s1 += c1;
      if (c0 < v[j]!) {
        v[j] = c0;
        y[j] = i;
      }
      if (c1 < v[j + 1]!) {
        v[j + 1] = c1;
        y[j + 1] = i;
      }
    }
    if (j < n) {
      const c0 = C[off + j]!;
      s0 += c0;
      if (c0 < v[j]!) {
        v[j] = c0;
        y[j] = i;
      }
    }
  }
  const s = s0 + s1;
  return s - s === 0;
}

/** JV step 1: v_j = min_i C_ij, assign each column to its argmin row if free; reduction transfer for unique rows. */
function columnReduction(n: number, C: Float64Array, x: Int32Array, y: Int32Array, v: Float64Array, unique: Uint8Array, transfer: boolean, haveMinima: boolean): Int32Array {
  if (!haveMinima) columnMinima(n, C, y, v);
  unique.fill(1);
  for (let j = n - 1; j >= 0; j--) {
    const i = y[j]!;
    if (x[i]! < 0) x[i] = j;
    else {
      unique[i] = 0;
      y[j] = -1;
    }
  }
  const free: number[] = [];
  for (let i = 0; i < n; i++) {
    if (x[i]! < 0) {
      free.push(i);
      unique[i] = 0;
    }
    else if (transfer && unique[i]) {
      // Reduction transfer: lower v of the row's column by the row's second-smallest reduced cost.
      const j = x[i]!;
      const off = i * n;
      let min = Infinity;
      for (let j2 = 0; j2 < n; j2++) {
        if (j2 === j) continue;
        const c = C[off + j2]! - v[j2]!;
        if (c < min) min = c;
      }
      if (min !== Infinity) v[j] = v[j]! - min;
    }
  }
  return Int32Array.from(free);
}

/**
 * Dense row-reduction steps allowed per pass (n < SPARSE_MIN_N), in units of n. Jonker-Volgenant's bound
 * (current·n) lets the pass go cubic on inner-product costs.
 */
const ARR_BUDGET = 2;

/** Size from which the sparse phase (assignment-sparse.ts) is used, and its candidates per row (K = factor·sqrt(n)). */
const SPARSE_MIN_N = 256;
const SPARSE_K_FACTOR = 1;

/** JV step 2: augmenting row reduction (auction-like); returns the rows still free. */
function augmentingRowReduction(n: number, C: Float64Array, freeIn: Int32Array, x: Int32Array, y: Int32Array, v: Float64Array): Int32Array {
  const free = Int32Array.from(freeIn);
  const nFree = free.length;
  let current = 0;
  let newFree = 0;
  let rrCnt = 0;
  while (current < nFree) {
    rrCnt++;
    const i = free[current++]!;
    const off = i * n;
    let j1 = 0;
    let v1 = C[off]! - v[0]!;
    let j2 = -1;
    let v2 = Infinity;
    for (let j = 1; j < n; j++) {
      const c = C[off + j]! - v[j]!;
      if (c < v2) {
        if (c >= v1) {
          v2 = c;
          j2 = j;
        } else {
          v2 = v1;
          v1 = c;
          j2 = j1;
          j1 = j;
        }
      }
    }
    let i0 = y[j1]!;
    const v1New = v[j1]! - (v2 - v1);
    const lowers = v1New < v[j1]!;
    if (rrCnt < current * n && rrCnt < ARR_BUDGET * n) {
      if (lowers) v[j1] = v1New;
      else if (i0 >= 0 && j2 >= 0) {
        j1 = j2;
        i0 = y[j2]!;
      }
      if (i0 >= 0) {
        if (lowers) free[--current] = i0;
        else free[newFree++] = i0;
      }
    } else if (i0 >= 0) {
      free[newFree++] = i0;
    }
    x[i] = j1;
    y[j1] = i;
  }
  // Rows displaced but never reinserted were already unassigned by the overwrite above (x[i0] keeps a stale col).
  const out = free.slice(0, newFree);
  for (let k = 0; k < newFree; k++) x[out[k]!] = -1;
  return out;
}

/**
 * JV step 3 with contiguous sweeps: each step relaxes one row over every column and tracks the minimum in the same
 * pass. Scanned columns are masked branch-free (their working dual is -Infinity, their distance +Infinity) so the
 * row of C streams from memory without gathers.
 */
function augmentSweep(nc: number, C: Float64Array, free: Int32Array, x: Int32Array, y: Int32Array, v: Float64Array): void {
  const d = new Float64Array(nc);
  const pred = new Int32Array(nc);
  const readyJ = new Int32Array(nc);
  const readyD = new Float64Array(nc);
  const readyV = new Float64Array(nc);
  for (let f = 0; f < free.length; f++) {
    const start = free[f]!;
    d.fill(Infinity);
    let nReady = 0;
    let i = start;
    let h = 0;
    let minv = 0;
    let finalJ = -1;
    for (;;) {
      const ioff = i * nc;
      // Two interleaved minimum trackers shorten the loop-carried dependency chain.
      let j1 = -1;
      let j2 = -1;
      minv = Infinity;
      let min2 = Infinity;
      let j = 0;
      for (; j + 1 < nc; j += 2) {
        const c0 = C[ioff + j]! - v[j]! - h;
        const c1 = C[ioff + j + 1]! - v[j + 1]! - h;
        let d0 = d[j]!;
        let d1 = d[j + 1]!;
        if (c0 < d0) {
          d[j] = d0 = c0;
          pred[j] = i;
        }
        if (c1 < d1) {
          d[j + 1] = d1 = c1;
          pred[j + 1] = i;
        }
        if (d0 < minv) {
          minv = d0;
          j1 = j;
        }
        if (d1 < min2) {
          min2 = d1;
          j2 = j + 1;
        }
      }
      if (j < nc) {
        const c0 = C[ioff + j]! - v[j]! - h;
        let d0 = d[j]!;
        if (c0 < d0) {
          d[j] = d0 = c0;
          pred[j] = i;
        }
        if (d0 < min2) {
          min2 = d0;
          j2 = j;
        }
      }
      if (min2 < minv || (min2 === minv && j2 < j1)) {
        minv = min2;
        j1 = j2;
      }
      if (j1 < 0) throw new Error('linearSumAssignment: infeasible');
      if (y[j1]! < 0) {
        finalJ = j1;
        break;
      }
      // Mask the scanned column: C - (-Inf) = +Inf never relaxes it and d = +Inf never wins the minimum.
      readyJ[nReady] = j1;
      readyD[nReady] = minv;
      readyV[nReady++] = v[j1]!;
      i = y[j1]!;
      h = C[i * nc + j1]! - v[j1]! - minv;
      v[j1] = -Infinity;
      d[j1] = Infinity;
    }
    // Dual update on the scanned columns keeps reduced costs non-negative and zero along the new path.
    for (let k = 0; k < nReady; k++) v[readyJ[k]!] = readyV[k]! + readyD[k]! - minv;
    let j = finalJ;
    for (;;) {
      const i2 = pred[j]!;
      y[j] = i2;
      const prev = x[i2]!;
      x[i2] = j;
      if (i2 === start) break;
      j = prev;
    }
  }
}
