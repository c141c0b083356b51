import { expectInteger, expectNumber, expectNumberArray, expectObject, expectOptions } from '@lemma/gpu-kernels/validate';
import { linearSumAssignment } from './assignment';

/** `n` points in `R^d`, row-major. */
export interface PointCloud {
  n: number;
  d: number;
  data: ArrayLike<number>;
}

/** Options of {@link wassersteinExact}. */
export interface WassersteinOptions {
  /** Order p >= 1 of the ground cost ||x - y||^p (default 2). */
  p?: number;
}

/** Exact OT between two uniform point clouds of equal size. */
export interface WassersteinResult {
  /** W_p^p = (1/n) Σ_i ||x_i - y_{σ(i)}||^p (for p = 2: the mean matched squared distance). */
  costP: number;
  /** W_p = costP^(1/p). */
  distance: number;
  /** The optimal matching σ (row i of x goes to row σ(i) of y). */
  matching: Int32Array;
}

/** Dense ground cost `C_ij = ||x_i - y_j||^p` (float64). */
export function groundCost(x: PointCloud, y: PointCloud, p = 2): Float64Array {
  expectNumber('groundCost', 'p', p, { min: 0 });
  return groundCostOf('groundCost', x, y, p);
}

/** {@link groundCost} with errors naming `fn` (the public entry that called it). */
function groundCostOf(fn: string, x: PointCloud, y: PointCloud, p: number): Float64Array {
  checkCloud(fn, 'x', x);
  checkCloud(fn, 'y', y);
  if (x.d !== y.d) throw new Error(`${fn}: x and y must have the same dimension, got ${x.d} and ${y.d}`);
  const { n, d } = x;
  const m = y.n;
  const C = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const t = x.data[i * d + k]! - y.data[j * d + k]!;
        s += t * t;
      }
      C[i * m + j] = p === 2 ? s : Math.pow(Math.sqrt(s), p);
    }
  }
  return C;
}

/**
 * Exact p-Wasserstein distance between the uniform empirical measures of two equal-size point clouds. With equal
 * uniform weights the optimal plan is a permutation (Birkhoff-von Neumann; Lemma B.3 of Ferbach et al.), so this is
 * one linear assignment.
 *
 * @example
 * const { distance } = wassersteinExact({ n: 2, d: 1, data: [0, 1] }, { n: 2, d: 1, data: [1, 0] }); // 0
 */
export function wassersteinExact(x: PointCloud, y: PointCloud, options: WassersteinOptions = {}): WassersteinResult {
  expectOptions('wassersteinExact', 'options', options, ['p']);
  const p = expectNumber('wassersteinExact', 'options.p', options.p ?? 2, { min: 1 });
  checkCloud('wassersteinExact', 'x', x);
  checkCloud('wassersteinExact', 'y', y);
  if (x.n !== y.n) throw new Error(`wassersteinExact: x and y must have the same number of points (uniform weights), got ${x.n} and ${y.n}`);
  if (x.n === 0) throw new Error('wassersteinExact: point clouds must not be empty');
  const C = groundCostOf('wassersteinExact', x, y, p);
  const r = linearSumAssignment({ rows: x.n, cols: y.n, data: C });
  const costP = r.cost / x.n;
  return { costP, distance: Math.pow(Math.max(costP, 0), 1 / p), matching: r.rowToCol };
}

function checkCloud(fn: string, name: string, c: PointCloud): void {
  expectObject(fn, name, c, 'a point cloud { n, d, data }');
  expectInteger(fn, `${name}.n`, c.n, { min: 0 });
  expectInteger(fn, `${name}.d`, c.d, { min: 1 });
  expectNumberArray(fn, `${name}.data`, c.data);
  if (c.data.length !== c.n * c.d) throw new Error(`${fn}: ${name} must have n*d = ${c.n * c.d} values, got ${c.data.length}`);
  for (let k = 0; k < c.data.length; k++) {
    if (!Number.isFinite(c.data[k]!)) throw new Error(`${fn}: ${name} must be finite, got ${c.data[k]} at index ${k}`);
  }
}
