/**
 * Exact random subset sum by meet in the middle (Horowitz–Sahni 1974, standard; notes §3): each half's 2^(n/2) subset sums are
 * produced already sorted by repeated merging (no comparator sort), then two pointers find the pair of
 * half-sums closest to the target. O(2^(n/2)) time and memory per instance; n <= 40.
 * The paper's Lemma 1 (random subset sum, Lueker 1998 Cor. 2.5): n = O(log 1/ε) U[-1, 1] samples approximate every
 * z in [-1, 1] within ε with high probability; this solver finds the optimal subset, not just one within ε.
 * (Lemma 1's number via Natale et al. [C]; no equation numbers: the paper body was unread, and no authors' code was found.)
 * Reference solvers (MIP, not MITM): Pensia's subset-sum/utils.py::FindSubset, da Cunha's Solver.jl::randomsubsetsum (notes §3).
 */

import { expectArrayLike, expectFinite, expectFiniteValues, expectInteger } from '@lemma/gpu-kernels/validate';

/** Largest number of samples per instance (2^20 half-sums, 12 MiB of scratch). */
export const MAX_SUBSET_SUM_SAMPLES = 40;

/** Solution of one subset-sum instance. */
export interface SubsetSumSolution {
  /** Indices of the chosen samples, ascending. */
  subset: number[];
  /** The sum of the chosen samples (added in index order). */
  value: number;
  /** |value - target|, the optimal error. */
  error: number;
}

/** Solutions of a batch of instances (row-major, `instances` x `n`). */
export interface SubsetSumBatch {
  /** 1 where sample j of instance i is kept. */
  selection: Uint8Array;
  /** Sum of the kept samples per instance. */
  value: Float64Array;
  /** |value - target| per instance. */
  error: Float64Array;
}

/** Scratch buffers reused across instances. */
class Scratch {
  sumsA: Float64Array;
  masksA: Uint32Array;
  sumsB: Float64Array;
  masksB: Uint32Array;
  tmpS: Float64Array;
  tmpM: Uint32Array;
  constructor(half: number) {
    const size = 1 << half;
    this.sumsA = new Float64Array(size);
    this.masksA = new Uint32Array(size);
    this.sumsB = new Float64Array(size);
    this.masksB = new Uint32Array(size);
    this.tmpS = new Float64Array(size);
    this.tmpM = new Uint32Array(size);
  }
}

/**
 * Writes the 2^count subset sums of samples[offset .. offset+count) sorted ascending into `sums`, with
 * the bitmask of each subset in `masks`. Merging L and L + x keeps the list sorted in linear time.
 */
function sortedSubsetSums(
  samples: ArrayLike<number>,
  offset: number,
  count: number,
  sums: Float64Array,
  masks: Uint32Array,
  tmpS: Float64Array,
  tmpM: Uint32Array,
): void {
  sums[0] = 0;
  masks[0] = 0;
  let len = 1;
  let s = sums;
  let m = masks;
  let ts = tmpS;
  let tm = tmpM;
  for (let b = 0; b < count; b++) {
    const x = samples[offset + b]!;
    const bit = 1 << b;
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < len && j < len) {
      const a = s[i]!;
      const c = s[j]! + x;
      if (a <= c) {
        ts[k] = a;
        tm[k++] = m[i++]!;
      } else {
        ts[k] = c;
        tm[k++] = m[j++]! | bit;
      }
    }
    while (i < len) {
      ts[k] = s[i]!;
      tm[k++] = m[i++]!;
    }
    while (j < len) {
      ts[k] = s[j]! + x;
      tm[k++] = m[j++]! | bit;
    }
    len *= 2;
    [s, ts] = [ts, s];
    [m, tm] = [tm, m];
  }
  if (s !== sums) {
    sums.set(s.subarray(0, len));
    masks.set(m.subarray(0, len));
  }
}

function solveInto(
  samples: ArrayLike<number>,
  offset: number,
  n: number,
  target: number,
  scratch: Scratch,
  selection: Uint8Array,
  selOffset: number,
): number {
  const nA = n >> 1;
  const nB = n - nA;
  const { sumsA, masksA, sumsB, masksB, tmpS, tmpM } = scratch;
  sortedSubsetSums(samples, offset, nA, sumsA, masksA, tmpS, tmpM);
  sortedSubsetSums(samples, offset + nA, nB, sumsB, masksB, tmpS, tmpM);
  const lenA = 1 << nA;
  const lenB = 1 << nB;
  let i = 0;
  let j = lenB - 1;
  let best = Infinity;
  let bi = 0;
  let bj = 0;
  // Two pointers: A ascending, B descending; move the pointer that brings the sum toward the target.
  while (i < lenA && j >= 0) {
    const sum = sumsA[i]! + sumsB[j]!;
    const d = sum - target;
    const ad = d < 0 ? -d : d;
    if (ad < best) {
      best = ad;
      bi = i;
      bj = j;
      if (ad === 0) break;
    }
    if (d < 0) i++;
    else j--;
  }
  const ma = masksA[bi]!;
  const mb = masksB[bj]!;
  let value = 0;
  for (let t = 0; t < nA; t++) {
    const on = (ma >>> t) & 1;
    selection[selOffset + t] = on;
    if (on) value += samples[offset + t]!;
  }
  for (let t = 0; t < nB; t++) {
    const on = (mb >>> t) & 1;
    selection[selOffset + nA + t] = on;
    if (on) value += samples[offset + nA + t]!;
  }
  return value;
}

/** The container check of sample arrays (entries are checked by expectFiniteValues). */
const FINITE_ARRAY = { expected: 'an array of finite numbers' };

/**
 * Solves min over subsets S of |target - sum_{i in S} samples_i| exactly (the empty set is allowed).
 *
 * @example
 * const { subset, error } = solveSubsetSum([0.3, -0.7, 0.55, 0.1], 0.4); // {0, 3}: error 0
 */
export function solveSubsetSum(samples: ArrayLike<number>, target: number): SubsetSumSolution {
  expectFiniteValues('solveSubsetSum', 'samples', expectArrayLike('solveSubsetSum', 'samples', samples, FINITE_ARRAY));
  const n = samples.length;
  if (n > MAX_SUBSET_SUM_SAMPLES) throw new Error(`solveSubsetSum: samples must have at most ${MAX_SUBSET_SUM_SAMPLES} entries, got ${n}`);
  expectFinite('solveSubsetSum', 'target', target);
  const sel = new Uint8Array(n);
  const value = solveInto(samples, 0, n, target, new Scratch(n - (n >> 1)), sel, 0);
  const subset: number[] = [];
  sel.forEach((v, i) => v && subset.push(i));
  return { subset, value, error: Math.abs(value - target) };
}

/**
 * Solves `targets.length` independent instances; instance i uses samples[i·n .. (i+1)·n). Scratch memory
 * is allocated once, so thousands of instances of ~20 samples take milliseconds.
 */
export function solveSubsetSumBatch(samples: Float64Array, targets: Float64Array, n: number): SubsetSumBatch {
  expectInteger('solveSubsetSumBatch', 'n', n, { max: MAX_SUBSET_SUM_SAMPLES, expected: `an integer in [0, ${MAX_SUBSET_SUM_SAMPLES}]` });
  expectArrayLike('solveSubsetSumBatch', 'targets', targets, { expected: 'a Float64Array of finite numbers' });
  expectArrayLike('solveSubsetSumBatch', 'samples', samples, { expected: 'a Float64Array of finite numbers' });
  const count = targets.length;
  if (samples.length !== count * n) {
    throw new Error(`solveSubsetSumBatch: samples must have length targets.length·n = ${count * n}, got ${samples.length}`);
  }
  expectFiniteValues('solveSubsetSumBatch', 'samples', samples);
  expectFiniteValues('solveSubsetSumBatch', 'targets', targets);
  const scratch = new Scratch(n - (n >> 1));
  const selection = new Uint8Array(count * n);
  const value = new Float64Array(count);
  const error = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    value[i] = solveInto(samples, i * n, n, targets[i]!, scratch, selection, i * n);
    error[i] = Math.abs(value[i]! - targets[i]!);
  }
  return { selection, value, error };
}

/** Exhaustive search over all 2^n subsets (n <= 24); the reference for tests. */
export function bruteForceSubsetSum(samples: ArrayLike<number>, target: number): SubsetSumSolution {
  expectFiniteValues('bruteForceSubsetSum', 'samples', expectArrayLike('bruteForceSubsetSum', 'samples', samples, FINITE_ARRAY));
  const n = samples.length;
  if (n > 24) throw new Error(`bruteForceSubsetSum: samples must have at most 24 entries, got ${n}`);
  // A NaN target makes every error NaN, so the empty set would come back as the 'optimum'.
  expectFinite('bruteForceSubsetSum', 'target', target);
  let best = Infinity;
  let bestMask = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let s = 0;
    for (let t = 0; t < n; t++) if ((mask >>> t) & 1) s += samples[t]!;
    const e = Math.abs(s - target);
    if (e < best) {
      best = e;
      bestMask = mask;
    }
  }
  const subset: number[] = [];
  let value = 0;
  for (let t = 0; t < n; t++) {
    if ((bestMask >>> t) & 1) {
      subset.push(t);
      value += samples[t]!;
    }
  }
  return { subset, value, error: Math.abs(value - target) };
}
