/**
 * Checks of the curation parameters — the Luce choice-set size K, the reward scale β and the synthetic-to-real ratio
 * λ — on the shared `@lemma/gpu-kernels/validate` helpers; messages read `<fn>: <arg> must be <rule>, got …` and name
 * what came by type (`got string`).
 */
import { describeType, expectInteger, expectNumber } from '@lemma/gpu-kernels/validate';

/** Validates the Luce choice-set size K: an integer >= 1 (no upper cap), or Infinity where `allowInfinity`. */
export function checkK(fn: string, K: unknown, allowInfinity = false): number {
  if (allowInfinity && K === Infinity) return Infinity;
  return expectInteger(fn, 'K', K, { min: 1, max: Infinity, expected: `an integer >= 1${allowInfinity ? ' or Infinity' : ''}`, describe: describeType });
}

/** Validates the reward scale beta: a finite number >= 0. */
export function checkBeta(fn: string, beta: unknown): number {
  return expectNumber(fn, 'beta', beta, { min: 0, describe: describeType });
}

/** Validates syntheticToRealRatio: a number in [0, Infinity] (Infinity = curated synthetic data only). */
export function checkRatio(fn: string, ratio: unknown): number {
  const expected = 'a number in [0, Infinity] (synthetic count / real count; 0 = real data only, Infinity = curated only)';
  return expectNumber(fn, 'syntheticToRealRatio', ratio, { min: 0, allowInfinity: true, expected, describe: describeType });
}
