/**
 * Checks of discrete distributions and of the per-atom vectors beside them (rewards r, test functions f), on the
 * shared `@lemma/gpu-kernels/validate` helpers; messages read `<fn>: <arg> must …, got …` and name what came by type
 * (`got string`).
 */
import { describeType, expectArrayLike, expectFiniteValues, expectLength, invalidArgument } from '@lemma/gpu-kernels/validate';

/**
 * Throws unless `p` is a probability vector: non-empty, non-negative, finite, summing to 1 within `tol`.
 * Returns a float64 copy renormalised to sum exactly to 1 (up to rounding).
 */
export function checkDistribution(fn: string, name: string, p: ArrayLike<number>, tol = 1e-6): Float64Array {
  expectArrayLike(fn, name, p, { describe: describeType });
  if (p.length === 0) throw invalidArgument(fn, name, 'a non-empty probability vector', p, 'range', () => 'length 0');
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!Number.isFinite(v) || v < 0) throw invalidArgument(fn, name, 'non-negative and finite', v, 'range', (x) => `${String(x)} at index ${i}`);
    s += v;
  }
  if (Math.abs(s - 1) > tol) throw new RangeError(`${fn}: ${name} must sum to 1 (within ${tol}), got sum ${s}`);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i]! / s;
  return out;
}

/**
 * Throws unless `values` is an array or typed array of `atoms` finite numbers, one per atom of a distribution (a
 * reward vector r, a test function f); `why` names the pairing, e.g. 'one reward per atom of p'.
 */
export function checkAtomValues(fn: string, name: string, values: ArrayLike<number>, atoms: number, why: string): void {
  expectLength(fn, name, expectArrayLike(fn, name, values, { describe: describeType }), atoms, why);
  expectFiniteValues(fn, name, values);
}
