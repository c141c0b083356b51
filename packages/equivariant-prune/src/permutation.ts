/**
 * Index permutations. Convention: a permutation `p` sends basis vector e_i to e_{p[i]}, so the
 * permutation matrix P acts on vectors as (P x)[p[i]] = x[i].
 */

import { expectInteger, invalidArgument } from '@lemma/gpu-kernels/validate';

/** A permutation of {0, ..., n-1} stored as the image of each index. */
export type Permutation = Int32Array;

/** Largest feature-space dimension (permutation length) accepted anywhere: one Int32Array of 2^24 indices is 64 MiB. */
export const MAX_ACTION_DIM = 1 << 24;

/** Throws unless `p` is an array or typed array listing each of 0..n-1 once (of length `length` when given). */
export function expectPermutation(fn: string, arg: string, p: unknown, length?: number): Permutation {
  if (!(Array.isArray(p) || (ArrayBuffer.isView(p) && !(p instanceof DataView)))) throw invalidArgument(fn, arg, 'a permutation (an Int32Array of indices)', p, 'type');
  const a = p as ArrayLike<number>;
  if (length !== undefined && a.length !== length) throw invalidArgument(fn, arg, `a permutation of length ${length}`, p);
  if (!isPermutation(a)) throw invalidArgument(fn, arg, `a permutation of 0..${a.length - 1} (each index exactly once)`, p);
  return a as Permutation;
}

/** The identity permutation of `n` indices. */
export function identityPermutation(n: number): Permutation {
  expectInteger('identityPermutation', 'n', n, { max: MAX_ACTION_DIM });
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}

/** Composition `a ∘ b` (apply `b` first, then `a`). */
export function composePermutations(a: Permutation, b: Permutation): Permutation {
  expectPermutation('composePermutations', 'a', a);
  expectPermutation('composePermutations', 'b', b);
  if (a.length !== b.length) {
    throw new Error(`composePermutations: a and b must have the same length, got ${a.length} and ${b.length}`);
  }
  return composeUnchecked(a, b);
}

/** `a ∘ b` without checks, for closures whose operands are already validated. */
export function composeUnchecked(a: Permutation, b: Permutation): Permutation {
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[b[i]!]!;
  return out;
}

/** The inverse permutation. */
export function invertPermutation(p: Permutation): Permutation {
  // A non-permutation has no inverse; writing out[p[i]] would silently leave holes.
  expectPermutation('invertPermutation', 'p', p);
  const out = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) out[p[i]!] = i;
  return out;
}

/** True when `p` is a bijection of {0, ..., p.length - 1}; false for anything that is not an array or typed array. */
export function isPermutation(p: ArrayLike<number>): boolean {
  if (!(Array.isArray(p) || (ArrayBuffer.isView(p) && !(p instanceof DataView)))) return false;
  const seen = new Uint8Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!Number.isInteger(v) || v < 0 || v >= p.length || seen[v]) return false;
    seen[v] = 1;
  }
  return true;
}

/**
 * Applies the permutation matrix of `p` to `copies` stacked copies of a vector of length `p.length`:
 * out[c·n + p[i]] = x[c·n + i].
 */
export function applyPermutation(p: Permutation, x: Float64Array, copies = 1): Float64Array {
  expectPermutation('applyPermutation', 'p', p);
  expectInteger('applyPermutation', 'copies', copies, { max: MAX_ACTION_DIM });
  if (!(Array.isArray(x) || ArrayBuffer.isView(x))) throw invalidArgument('applyPermutation', 'x', 'a Float64Array', x, 'type');
  const n = p.length;
  if (x.length !== n * copies) {
    throw new Error(`applyPermutation: x must have length ${n * copies} (${copies} copies of ${n}), got ${x.length}`);
  }
  const out = new Float64Array(x.length);
  for (let c = 0; c < copies; c++) {
    const o = c * n;
    for (let i = 0; i < n; i++) out[o + p[i]!] = x[o + i]!;
  }
  return out;
}

/** A stable string key of a permutation (for closures and Cayley tables). */
export function permutationKey(p: Permutation): string {
  return Array.prototype.join.call(p, ',');
}
