/**
 * Sparse phase of the Jonker-Volgenant solver for large dense problems. After column reduction, each row keeps only
 * its ~K = sqrt(n) smallest reduced costs C_ij - v_j (with their raw costs, so the phase never touches the dense
 * matrix again) and a threshold below which no left-out column lies. Reduction transfer, augmenting row reduction and
 * heap-Dijkstra shortest augmenting paths then run on this candidate graph. Since the duals v only decrease, a row
 * whose own reduced cost stays at or below its threshold is optimal for the full matrix without looking at it again;
 * the few others are checked densely and, when they fail, re-listed at the current duals and re-augmented (a few
 * rounds), then handed to the exact dense phase. The result is exact either way.
 */

/** Binary min-heap of (key, column) pairs with lazy deletion. */
class MinHeap {
  keys = new Float64Array(1024);
  vals = new Int32Array(1024);
  size = 0;
  clear(): void {
    this.size = 0;
  }
  push(k: number, v: number): void {
    if (this.size === this.keys.length) {
      const nk = new Float64Array(this.size * 2);
      nk.set(this.keys);
      const nv = new Int32Array(this.size * 2);
      nv.set(this.vals);
      this.keys = nk;
      this.vals = nv;
    }
    let i = this.size++;
    const keys = this.keys;
    const vals = this.vals;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (keys[p]! <= k) break;
      keys[i] = keys[p]!;
      vals[i] = vals[p]!;
      i = p;
    }
    keys[i] = k;
    vals[i] = v;
  }
  /** Removes the minimum; read `topKey`/`topVal` before calling. */
  pop(): void {
    const keys = this.keys;
    const vals = this.vals;
    const n = --this.size;
    if (n === 0) return;
    const k = keys[n]!;
    const v = vals[n]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && keys[c + 1]! < keys[c]!) c++;
      if (keys[c]! >= k) break;
      keys[i] = keys[c]!;
      vals[i] = vals[c]!;
      i = c;
    }
    keys[i] = k;
    vals[i] = v;
  }
}

/**
 * Candidate lists: about K of row i's smallest reduced costs C_ij - v_j at build time (threshold estimated on a
 * strided sample, exact quickselect when the estimate misses) plus the row's current column, stored compactly with
 * their raw costs so that the sparse phases never touch the dense matrix. `thr[i]` bounds the reduced cost of every
 * column left out of row i's list from below; the duals v only ever decrease, so the bound stays valid.
 */
class Candidates {
  readonly len: Int32Array;
  readonly cols: Int32Array;
  readonly cost: Float64Array;
  readonly thr: Float64Array;
  readonly tmp: Float64Array;
  readonly sample: Float64Array;
  readonly cap: number;
  /** Threshold of the last row built from a sample (NaN before the first). */
  lastThr = NaN;
  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    this.cap = 2 * k + 1;
    this.len = new Int32Array(n);
    this.cols = new Int32Array(n * this.cap);
    this.cost = new Float64Array(n * this.cap);
    this.thr = new Float64Array(n);
    this.tmp = new Float64Array(n);
    this.sample = new Float64Array(Math.min(n, Math.max(8 * k, 256)));
  }
  build(i: number, C: Float64Array, v: Float64Array, own: number): void {
    const { n, k, sample } = this;
    // Neighbouring rows usually have similar reduced-cost quantiles: try the last threshold first.
    if (this.lastThr === this.lastThr) {
      const m = this.collect(i, C, v, this.lastThr, own);
      if (m >= k >> 1) return;
    }
    const off = i * n;
    const S = sample.length;
    // The K-th smallest of the row is about the (K·S/n)-th smallest of a uniform strided sample.
    for (let s = 0; s < S; s++) {
      const j = Math.floor((s * n) / S);
      sample[s] = C[off + j]! - v[j]!;
    }
    const thr = kthSmallest(sample, S, Math.max(1, Math.round((k * S) / n)));
    const m = this.collect(i, C, v, thr, own);
    if (m < 0 || m < k >> 1) this.exact(i, C, v, own);
    else this.lastThr = thr;
  }
  /** Stores columns with reduced cost <= thr (and `own`); -1 when more than 2K qualify (caller falls back). */
  private collect(i: number, C: Float64Array, v: Float64Array, thr: number, own: number): number {
    const { n, cap, cols, cost } = this;
    const off = i * n;
    const base = i * cap;
    let m = 0;
    let hasOwn = false;
    let j = 0;
    // Four columns per step behind one (rarely taken) branch: most of a row lies above the threshold.
    for (; j + 3 < n; j += 4) {
      const c0 = C[off + j]!;
      const c1 = C[off + j + 1]!;
      const c2 = C[off + j + 2]!;
      const c3 = C[off + j + 3]!;
      const r0 = c0 - v[j]!;
      const r1 = c1 - v[j + 1]!;
      const r2 = c2 - v[j + 2]!;
      const r3 = c3 - v[j + 3]!;
      if (r0 <= thr || r1 <= thr || r2 <= thr || r3 <= thr) {
        if (m + 4 >= cap) {
          // Near capacity: one column at a time so the cap is exact.
          for (let q = j; q < j + 4; q++) {
            const c = C[off + q]!;
            if (c - v[q]! <= thr) {
              if (m === cap - 1) return -1;
              cols[base + m] = q;
              cost[base + m++] = c;
              if (q === own) hasOwn = true;
            }
          }
          continue;
        }
        if (r0 <= thr) {
          cols[base + m] = j;
          cost[base + m++] = c0;
        }
        if (r1 <= thr) {
          cols[base + m] = j + 1;
          cost[base + m++] = c1;
        }
        if (r2 <= thr) {
          cols[base + m] = j + 2;
          cost[base + m++] = c2;
        }
        if (r3 <= thr) {
          cols[base + m] = j + 3;
          cost[base + m++] = c3;
        }
        if (own >= j && own < j + 4 && C[off + own]! - v[own]! <= thr) hasOwn = true;
      }
    }
    for (; j < n; j++) {
      const c = C[off + j]!;
      if (c - v[j]! <= thr) {
        if (m === cap - 1) return -1;
        cols[base + m] = j;
        cost[base + m++] = c;
        if (j === own) hasOwn = true;
      }
    }
    return this.close(i, m, hasOwn, own, C, thr);
  }
  /** Exact fallback: the K smallest by quickselect; ties at the threshold are cut at 2K (any subset stays valid). */
  private exact(i: number, C: Float64Array, v: Float64Array, own: number): void {
    const { n, tmp, cap, cols, cost } = this;
    const off = i * n;
    for (let j = 0; j < n; j++) tmp[j] = C[off + j]! - v[j]!;
    const thr = kthSmallest(tmp, n, this.k);
    const base = i * cap;
    let m = 0;
    let hasOwn = false;
    for (let j = 0; j < n && m < cap - 1; j++) {
      const c = C[off + j]!;
      if (c - v[j]! <= thr) {
        cols[base + m] = j;
        cost[base + m++] = c;
        if (j === own) hasOwn = true;
      }
    }
    this.close(i, m, hasOwn, own, C, thr);
  }

  /** Ends row i's list: keeps its currently assigned column `own` in it, records length and threshold. */
  private close(i: number, m: number, hasOwn: boolean, own: number, C: Float64Array, thr: number): number {
    if (!hasOwn && own >= 0) {
      this.cols[i * this.cap + m] = own;
      this.cost[i * this.cap + m++] = C[i * this.n + own]!;
    }
    this.len[i] = m;
    this.thr[i] = thr;
    return m;
  }
}

/** The k-th smallest value of a[0..n) (1-based k), reordering a (Hoare quickselect). */
function kthSmallest(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target]!;
  }
  return a[target]!;
}

/** Augmenting-row-reduction steps allowed on the candidate graph, in units of n (each step costs O(K)). */
const SPARSE_ARR_BUDGET = 16;

/** Rounds of rebuilding and re-augmenting rows that fail the certificate before the dense finish takes them. */
const SPARSE_ROUNDS = 3;

/**
 * Sparse phase of the dense solver, run right after column reduction (without its reduction transfer, which is done
 * here on the candidate lists). Builds every row's candidate list, runs augmenting row reduction and then
 * heap-Dijkstra shortest augmenting paths on the candidate graph, and certifies each row against the full matrix:
 * a row is optimal for the dense problem when its own reduced cost is at most its list threshold (every left-out
 * column costs more) and no candidate is cheaper; otherwise its row of C is checked densely. Returns the rows that
 * fail (unassigned on return) for the caller's exact dense phase; `x`, `y`, `v` stay a valid dense JV state.
 */
export function sparseSolve(n: number, C: Float64Array, freeIn: Int32Array, unique: Uint8Array, x: Int32Array, y: Int32Array, v: Float64Array, k: number): Int32Array {
  const cand = new Candidates(n, k);
  const { cols, cost, len, thr, cap } = cand;
  // Candidate lists for every row, fused with JV's reduction transfer for rows that own a column alone.
  for (let i = 0; i < n; i++) {
    const own = x[i]!;
    cand.build(i, C, v, own);
    if (own >= 0 && unique[i]) {
      const base = i * cap;
      const end = base + len[i]!;
      let min = thr[i]!;
      for (let e = base; e < end; e++) {
        const j = cols[e]!;
        if (j === own) continue;
        const r = cost[e]! - v[j]!;
        if (r < min) min = r;
      }
      if (min !== Infinity) v[own] = v[own]! - min;
    }
  }
  let free = sparseRowReduction(n, cand, freeIn, x, y, v);
  free = sparseRowReduction(n, cand, free, x, y, v);
  let failed = sparseAugmentAll(n, C, cand, free, x, y, v);
  let redo = certify(n, C, cand, failed, x, y, v);
  // Rows that fail the certificate get fresh lists at the current duals and another sparse try (a few rounds).
  for (let round = 0; round < SPARSE_ROUNDS && redo.length > 0 && redo.length <= n >> 3; round++) {
    for (let q = 0; q < redo.length; q++) cand.build(redo[q]!, C, v, -1);
    failed = sparseAugmentAll(n, C, cand, redo, x, y, v);
    redo = certify(n, C, cand, failed, x, y, v);
  }
  return redo;
}

/** JV augmenting row reduction on the candidate graph; the second minimum is capped by the row's threshold. */
function sparseRowReduction(n: number, cand: Candidates, freeIn: Int32Array, x: Int32Array, y: Int32Array, v: Float64Array): Int32Array {
  const { cols, cost, len, thr, cap } = cand;
  const free = Int32Array.from(freeIn);
  const nFree = free.length;
  let current = 0;
  let newFree = 0;
  let rrCnt = 0;
  const budget = SPARSE_ARR_BUDGET * n;
  while (current < nFree) {
    rrCnt++;
    const i = free[current++]!;
    const base = i * cap;
    const end = base + len[i]!;
    let j1 = -1;
    let v1 = Infinity;
    let j2 = -1;
    let v2 = Infinity;
    for (let e = base; e < end; e++) {
      const j = cols[e]!;
      const c = cost[e]! - v[j]!;
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
    // Left-out columns cost more than thr[i]: a lower bound on the true second minimum keeps the row dual-feasible.
    const t = thr[i]!;
    if (t < v2) {
      v2 = t;
      j2 = -1;
    }
    if (v2 < v1) v2 = v1;
    let i0 = y[j1]!;
    const v1New = v[j1]! - (v2 - v1);
    const lowers = v1New < v[j1]!;
    if (rrCnt < current * n && rrCnt < budget) {
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
  const out = free.slice(0, newFree);
  for (let q = 0; q < newFree; q++) x[out[q]!] = -1;
  return out;
}

/** Heap-Dijkstra shortest augmenting paths on the candidate graph; returns the rows it could not place. */
function sparseAugmentAll(n: number, C: Float64Array, cand: Candidates, free: Int32Array, x: Int32Array, y: Int32Array, v: Float64Array): number[] {
  const { cols, cost, len, cap } = cand;
  const d = new Float64Array(n).fill(Infinity);
  const pred = new Int32Array(n);
  const scanned = new Int32Array(n).fill(-1);
  const touched = new Int32Array(n);
  const ready = new Int32Array(n);
  const heap = new MinHeap();
  const failed: number[] = [];
  for (let f = 0; f < free.length; f++) {
    const start = free[f]!;
    let nTouched = 0;
    let nReady = 0;
    heap.clear();
    let i = start;
    let h = 0;
    let finalJ = -1;
    let dFinal = 0;
    for (;;) {
      const base = i * cap;
      const end = base + len[i]!;
      for (let e = base; e < end; e++) {
        const j = cols[e]!;
        if (scanned[j] === f) continue;
        const nd = cost[e]! - v[j]! - h;
        if (nd < d[j]!) {
          if (d[j] === Infinity) touched[nTouched++] = j;
          d[j] = nd;
          pred[j] = i;
          heap.push(nd, j);
        }
      }
      // Next closest unscanned column (skip stale heap entries).
      let j1 = -1;
      while (heap.size > 0) {
        const kk = heap.keys[0]!;
        const jj = heap.vals[0]!;
        heap.pop();
        if (scanned[jj] !== f && kk === d[jj]) {
          j1 = jj;
          break;
        }
      }
      if (j1 < 0) break;
      const dj = d[j1]!;
      if (y[j1]! < 0) {
        finalJ = j1;
        dFinal = dj;
        break;
      }
      scanned[j1] = f;
      ready[nReady++] = j1;
      i = y[j1]!;
      h = C[i * n + j1]! - v[j1]! - dj;
    }
    if (finalJ < 0) {
      failed.push(start);
    } else {
      for (let r = 0; r < nReady; r++) {
        const j = ready[r]!;
        v[j] = v[j]! + d[j]! - dFinal;
      }
      let j = finalJ;
      for (;;) {
        const pi = pred[j]!;
        y[j] = pi;
        const prev = x[pi]!;
        x[pi] = j;
        if (pi === start) break;
        j = prev;
      }
    }
    for (let t = 0; t < nTouched; t++) d[touched[t]!] = Infinity;
  }
  return failed;
}

/** Certifies every assigned row against the full matrix (see {@link sparseSolve}); unassigns and returns failures. */
function certify(n: number, C: Float64Array, cand: Candidates, failed: number[], x: Int32Array, y: Int32Array, v: Float64Array): Int32Array {
  const { cols, cost, len, thr, cap } = cand;
  const redo = new Set<number>(failed);
  let scale = 0;
  for (let j = 0; j < n; j++) scale = Math.max(scale, Math.abs(v[j]!));
  const tol = 1e-13 * (1 + scale);
  for (let r = 0; r < n; r++) {
    const j0 = x[r]!;
    if (j0 < 0) {
      redo.add(r);
      continue;
    }
    const off = r * n;
    const own = C[off + j0]! - v[j0]!;
    let ok = own - tol <= thr[r]!;
    if (ok) {
      const base = r * cap;
      const end = base + len[r]!;
      for (let e = base; e < end; e++) {
        if (cost[e]! - v[cols[e]!]! < own - tol) {
          ok = false;
          break;
        }
      }
    }
    if (!ok) {
      // Dense check: the row's minimum reduced cost at the current duals. When it passes, that minimum is a valid
      // (and usually much larger) threshold for the row's list, so later rounds pass the quick check instead.
      const min = rowMinReduced(C, off, v, n);
      ok = min >= own - tol;
      if (ok && min > thr[r]!) thr[r] = min;
    }
    if (!ok) redo.add(r);
  }
  const out = Int32Array.from(redo);
  for (let t = 0; t < out.length; t++) {
    const r = out[t]!;
    if (x[r]! >= 0) {
      y[x[r]!] = -1;
      x[r] = -1;
    }
  }
  return out;
}

/** min_j C[off + j] - v[j] over one dense row (two independent minima per step). */
function rowMinReduced(C: Float64Array, off: number, v: Float64Array, n: number): number {
  let m0 = Infinity;
  let m1 = Infinity;
  let j = 0;
  for (; j + 1 < n; j += 2) {
    const r0 = C[off + j]! - v[j]!;
    const r1 = C[off + j + 1]! - v[j + 1]!;
    if (r0 < m0) m0 = r0;
    if (r1 < m1) m1 = r1;
  }
  if (j < n) {
    const r0 = C[off + j]! - v[j]!;
    if (r0 < m0) m0 = r0;
  }
  return m0 < m1 ? m0 : m1;
}
