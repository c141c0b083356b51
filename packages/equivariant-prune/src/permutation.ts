/**
 * Index permutations. Convention: a permutation `p` sends basis vector e_i to e_{p[i]}, so the
 * permutation matrix P acts on vectors as (P x)[p[i]] = x[i].
 */

/** A permutation of {0, ..., n-1} stored as the image of each index. */
export type Permutation = Int32Array;

/** The identity permutation of `n` indices. */
export function identityPermutation(n: number): Permutation {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  return p;
}

/** Composition `a ∘ b` (apply `b` first, then `a`). */
export function composePermutations(a: Permutation, b: Permutation): Permutation {
  if (a.length !== b.length) {
    throw new Error(`composePermutations: a and b must have the same length, got ${a.length} and ${b.length}`);
  }
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[b[i]!]!;
  return out;
}

/** The inverse permutation. */
export function invertPermutation(p: Permutation): Permutation {
  const out = new Int32Array(p.length);
  for (let i = 0; i < p.length; i++) out[p[i]!] = i;
  return out;
}

/** True when `p` is a bijection of {0, ..., p.length - 1}. */
export function isPermutation(p: ArrayLike<number>): boolean {
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
