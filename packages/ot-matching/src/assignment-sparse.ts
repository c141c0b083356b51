/**
 * Sparse finishing phase of the Jonker-Volgenant solver for large dense problems. After the dense reductions most
 * rows are assigned and the duals v are nearly optimal, so the remaining shortest augmenting paths only ever use
 * entries with small reduced cost C_ij - v_j. We search them on each row's K smallest reduced costs (built lazily, as
 * rows are first scanned) with a binary heap, then verify the dual certificate on the full matrix and hand any row
 * whose dense reduced costs went negative back to the exact dense phase. The result is exact either way.
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
 * Lazily built candidate lists: about K of row i's smallest reduced costs C_ij - v_j at build time (threshold
 * estimated on a strided sample, exact quickselect when the estimate misses) plus the row's current column.
 */
class Candidates {
  readonly start: Int32Array;
  readonly len: Int32Array;
  readonly cols: Int32Array;
  readonly tmp: Float64Array;
  readonly sample: Float64Array;
  readonly cap: number;
  constructor(
    readonly n: number,
    readonly k: number,
  ) {
    this.cap = 2 * k + 1;
    this.start = new Int32Array(n).fill(-1);
    this.len = new Int32Array(n);
    this.cols = new Int32Array(n * this.cap);
    this.tmp = new Float64Array(n);
    this.sample = new Float64Array(Math.min(n, Math.max(16 * k, 256)));
  }
  build(i: number, C: Float64Array, v: Float64Array, own: number): void {
    const { n, k, tmp, sample } = this;
    const off = i * n;
    for (let j = 0; j < n; j++) tmp[j] = C[off + j]! - v[j]!;
    const S = sample.length;
    for (let s = 0; s < S; s++) sample[s] = tmp[Math.floor((s * n) / S)]!;
    // The K-th smallest of the row is about the (K·S/n)-th smallest of a uniform strided sample.
    const thr = kthSmallest(sample, S, Math.max(1, Math.round((k * S) / n)));
    const m = this.collect(i, thr, own);
    if (m < 0 || m < k >> 1) this.exact(i, own);
  }
  /** Stores columns with reduced cost <= thr (and `own`); -1 when more than 2K qualify (caller falls back). */
  private collect(i: number, thr: number, own: number): number {
    const { n, tmp, cap } = this;
    const base = i * cap;
    let m = 0;
    let hasOwn = false;
    for (let j = 0; j < n; j++) {
      if (tmp[j]! <= thr) {
        if (m === cap - 1) return -1;
        this.cols[base + m++] = j;
        if (j === own) hasOwn = true;
      }
    }
    if (!hasOwn && own >= 0) this.cols[base + m++] = own;
    this.start[i] = base;
    this.len[i] = m;
    return m;
  }
  /** Exact fallback: the K smallest by quickselect; ties at the threshold are cut at 2K (any subset stays valid). */
  private exact(i: number, own: number): void {
    const thr = kthSmallest(Float64Array.from(this.tmp), this.n, this.k);
    const base = i * this.cap;
    let m = 0;
    let hasOwn = false;
    for (let j = 0; j < this.n && m < this.cap - 1; j++) {
      if (this.tmp[j]! <= thr) {
        this.cols[base + m++] = j;
        if (j === own) hasOwn = true;
      }
    }
    if (!hasOwn && own >= 0) this.cols[base + m++] = own;
    this.start[i] = base;
    this.len[i] = m;
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

/**
 * Augments every row of `free` on the candidate graph. Returns the rows it could not place (their sparse graph had
 * no augmenting path) plus, after verification, every row whose full-matrix reduced costs are negative; the caller
 * finishes those densely. `x`, `y`, `v` stay a valid dense JV state for all rows not returned.
 */
export function sparseAugment(n: number, C: Float64Array, free: Int32Array, x: Int32Array, y: Int32Array, v: Float64Array, k: number): Int32Array {
  const cand = new Candidates(n, k);
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
      if (cand.start[i]! < 0) cand.build(i, C, v, x[i]!);
      const base = cand.start[i]!;
      const end = base + cand.len[i]!;
      const off = i * n;
      for (let e = base; e < end; e++) {
        const j = cand.cols[e]!;
        if (scanned[j] === f) continue;
        const nd = C[off + j]! - v[j]! - h;
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
  // Verify on the full matrix: row i is fine iff min_j (C_ij - v_j) is attained at its own column.
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
    for (let j = 0; j < n; j++) {
      if (C[off + j]! - v[j]! < own - tol) {
        redo.add(r);
        break;
      }
    }
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
