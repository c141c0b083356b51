/**
 * curated-retrain's argument checks, on the shared `@lemma/gpu-kernels/validate` primitives. The domain checks (Luce
 * K, reward scale β, synthetic-to-real ratio, probability vectors, sample counts) live here, with the few wrappers that
 * keep this package's message wording: what came is named by type (`got string`, via `describeType`), integers read
 * `an integer >= 1`, a capped integer `an integer in [1, 64] (depth of the MLP)`, a bound `beta must be >= 0`, and an
 * unknown key `unknown option 'k' in options (allowed: …)`.
 */
import { describeType, expectArrayLike, expectFiniteValues, expectInteger, expectLength, expectNumber, expectOptions } from '@lemma/gpu-kernels/validate';

/** The rule fragment that names what came by type only (`got string`, `got object`), as every message here does. */
export const byType = { describe: describeType } as const;

/** Throws unless `v` is an integer >= `min` (no upper cap: see {@link checkIntegerAtMost}). */
export function checkInteger(fn: string, name: string, v: unknown, min: number): number {
  return expectInteger(fn, name, v, { min, max: Infinity, expected: `an integer >= ${min}`, ...byType });
}

/** Throws unless `v` is an integer in [min, max]; `why` says where the cap comes from. */
export function checkIntegerAtMost(fn: string, name: string, v: unknown, min: number, max: number, why: string): number {
  checkInteger(fn, name, v, min);
  return expectInteger(fn, name, v, { min, max, expected: `an integer in [${min}, ${max}] (${why})`, ...byType });
}

/** Throws unless `v` is a finite number (then, when given, >= min or > min, reported as `must be >= 0, got -1`). */
export function checkFinite(fn: string, name: string, v: unknown, opts: { min?: number; exclusiveMin?: boolean } = {}): number {
  const x = expectNumber(fn, name, v, byType);
  if (opts.min === undefined) return x;
  return expectNumber(fn, name, x, { min: opts.min, exclusiveMin: opts.exclusiveMin === true, expected: `${opts.exclusiveMin ? '>' : '>='} ${opts.min}`, ...byType });
}

/** Throws unless `a` is an array or typed array of numbers whose every entry is finite. */
export function checkAllFinite(fn: string, name: string, a: ArrayLike<number>): void {
  expectFiniteValues(fn, name, expectArrayLike(fn, name, a, byType));
}

/** Throws unless `a` is an array or typed array of length `n`; `what` says why (e.g. 'one reward per atom of p'). */
export function checkLength(fn: string, name: string, a: ArrayLike<number>, n: number, what: string): void {
  expectLength(fn, name, expectArrayLike(fn, name, a, byType), n, what);
}

/** Throws unless `options` is a plain object (undefined is refused: callers pass `{}` for the defaults) whose keys are all in `allowed`. */
export function checkOptions<T>(fn: string, name: string, options: T, allowed: readonly string[]): T {
  const unknownKey = (k: string) => `${fn}: unknown option '${k}' in ${name} (allowed: ${allowed.join(', ')})`;
  return expectOptions(fn, name, options as object, allowed as never, { required: true, unknownKey, ...byType }) as T;
}

/**
 * Throws unless `p` is a probability vector: non-negative, finite, summing to 1 within `tol`.
 * Returns a float64 copy renormalised to sum exactly to 1 (up to rounding).
 */
export function checkDistribution(fn: string, name: string, p: ArrayLike<number>, tol = 1e-6): Float64Array {
  expectArrayLike(fn, name, p, byType);
  if (p.length === 0) throw new RangeError(`${fn}: ${name} must be a non-empty probability vector, got length 0`);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!Number.isFinite(v) || v < 0) throw new RangeError(`${fn}: ${name} must be non-negative and finite, got ${v} at index ${i}`);
    s += v;
  }
  if (Math.abs(s - 1) > tol) throw new RangeError(`${fn}: ${name} must sum to 1 (within ${tol}), got sum ${s}`);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i]! / s;
  return out;
}

/** Validates the Luce choice-set size K (a positive integer, or Infinity where allowed). */
export function checkK(fn: string, K: unknown, allowInfinity = false): number {
  if (allowInfinity && K === Infinity) return Infinity;
  return expectInteger(fn, 'K', K, { min: 1, max: Infinity, expected: `an integer >= 1${allowInfinity ? ' or Infinity' : ''}`, ...byType });
}

/** Validates the reward scale beta (finite, >= 0). */
export function checkBeta(fn: string, beta: unknown): number {
  return checkFinite(fn, 'beta', beta, { min: 0 });
}

/** Validates syntheticToRealRatio: a number in [0, Infinity] (Infinity = curated synthetic data only). */
export function checkRatio(fn: string, ratio: unknown): number {
  const expected = 'a number in [0, Infinity] (synthetic count / real count; 0 = real data only, Infinity = curated only)';
  return expectNumber(fn, 'syntheticToRealRatio', ratio, { min: 0, allowInfinity: true, expected, ...byType });
}

/** Most float64 values one batch of samples may hold (2^27 = 1 GiB): past it, sample(n) is an out-of-memory crash. */
export const MAX_SAMPLE_VALUES = 2 ** 27;

/** Throws unless `n` is a sample count whose n × dim values stay within {@link MAX_SAMPLE_VALUES}. */
export function checkSampleCount(fn: string, name: string, n: unknown, dim: number): number {
  return checkIntegerAtMost(fn, name, n, 0, Math.floor(MAX_SAMPLE_VALUES / dim), `${name} × dim=${dim} values must stay <= 2^27`);
}
