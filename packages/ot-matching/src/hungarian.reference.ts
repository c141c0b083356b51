/**
 * Test oracles of the assignment solver (assignment.test.ts, assignment-sparse.test.ts), sharing no code with it:
 * the dual-certificate check, an independent Hungarian solver and brute force.
 */
import { expect } from 'vitest';
import type { AssignmentResult } from './assignment';

/** Magnitudes are <= 10 and n <= 40, so sums carry at most ~1e-12 absolute rounding: 1e-9 is a safe tolerance. */
export const TOL = 1e-9;

/** Asserts optimality through the dual certificate: dual sum = cost, reduced costs >= 0 and 0 on the assigned pairs. */
export function checkCertificate(rows: number, cols: number, c: Float64Array, r: AssignmentResult, maximize = false): void {
  const s = maximize ? -1 : 1;
  let dual = 0;
  for (let i = 0; i < rows; i++) dual += r.u[i]!;
  for (let j = 0; j < cols; j++) dual += r.v[j]!;
  expect(Math.abs(dual - r.cost)).toBeLessThan(TOL * (1 + Math.abs(r.cost)));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const red = s * (c[i * cols + j]! - r.u[i]! - r.v[j]!);
      expect(red).toBeGreaterThanOrEqual(-TOL);
      if (r.rowToCol[i] === j) expect(Math.abs(red)).toBeLessThan(TOL);
    }
  }
  // Output is injective on the smaller side and consistent both ways.
  const k = Math.min(rows, cols);
  let assigned = 0;
  for (let i = 0; i < rows; i++) {
    const j = r.rowToCol[i]!;
    if (j >= 0) {
      assigned++;
      expect(r.colToRow[j]).toBe(i);
    }
  }
  expect(assigned).toBe(k);
}

/** Cost of an assignment summed from the matrix (unassigned rows, -1, contribute nothing). */
export function costOf(cols: number, c: Float64Array, rowToCol: Int32Array): number {
  let s = 0;
  for (let i = 0; i < rowToCol.length; i++) if (rowToCol[i]! >= 0) s += c[i * cols + rowToCol[i]!]!;
  return s;
}

/**
 * Independent O(n^2 m) Hungarian algorithm (Kuhn-Munkres with potentials, e-maxx formulation) for rows <= cols.
 * Test oracle only: shares no code with the Jonker-Volgenant solver in assignment.ts.
 */
export function hungarianMinCost(rows: number, cols: number, c: ArrayLike<number>): number {
  if (rows > cols) throw new Error('hungarianMinCost: needs rows <= cols');
  const INF = Number.POSITIVE_INFINITY;
  const u = new Array<number>(rows + 1).fill(0);
  const v = new Array<number>(cols + 1).fill(0);
  const p = new Array<number>(cols + 1).fill(0);
  const way = new Array<number>(cols + 1).fill(0);
  for (let i = 1; i <= rows; i++) {
    p[0] = i;
    let j0 = 0;
    const minv = new Array<number>(cols + 1).fill(INF);
    const used = new Array<boolean>(cols + 1).fill(false);
    do {
      used[j0] = true;
      const i0 = p[j0]!;
      let delta = INF;
      let j1 = 0;
      for (let j = 1; j <= cols; j++) {
        if (used[j]) continue;
        const cur = c[(i0 - 1) * cols + (j - 1)]! - u[i0]! - v[j]!;
        if (cur < minv[j]!) {
          minv[j] = cur;
          way[j] = j0;
        }
        if (minv[j]! < delta) {
          delta = minv[j]!;
          j1 = j;
        }
      }
      for (let j = 0; j <= cols; j++) {
        if (used[j]) {
          u[p[j]!] = u[p[j]!]! + delta;
          v[j] = v[j]! - delta;
        } else minv[j] = minv[j]! - delta;
      }
      j0 = j1;
    } while (p[j0] !== 0);
    do {
      const j1 = way[j0]!;
      p[j0] = p[j1]!;
      j0 = j1;
    } while (j0 !== 0);
  }
  let cost = 0;
  for (let j = 1; j <= cols; j++) if (p[j] !== 0) cost += c[(p[j]! - 1) * cols + (j - 1)]!;
  return cost;
}

/** Brute force over all injective row -> column maps (rows <= cols <= 7). */
export function bruteForceMinCost(rows: number, cols: number, c: ArrayLike<number>): number {
  let best = Number.POSITIVE_INFINITY;
  const usedCol = new Array<boolean>(cols).fill(false);
  const rec = (i: number, acc: number): void => {
    if (i === rows) {
      if (acc < best) best = acc;
      return;
    }
    for (let j = 0; j < cols; j++) {
      if (usedCol[j]) continue;
      usedCol[j] = true;
      rec(i + 1, acc + c[i * cols + j]!);
      usedCol[j] = false;
    }
  };
  rec(0, 0);
  return best;
}
