/** Geometric (log-spaced) grids of integer steps at which risks are logged. */
import { expectInteger, expectNumber } from '@lemma/gpu-kernels/validate';

/**
 * Distinct integer steps 0, 1, ..., up to `tMax` spaced geometrically with `perDecade` points per
 * decade (the authors log at 1.1^k in Experimental `least_squares.py`; perDecade = 24 is about that). `tMax` is a safe integer >= 1 and
 * `perDecade` a number in (0, 10^5] (past that the ratio 10^(1/perDecade) is 1 in effect and every integer is a point).
 */
export function geometricStepGrid(tMax: number, perDecade = 24): number[] {
  expectInteger('geometricStepGrid', 'tMax', tMax, { min: 1 });
  // At most 10^5 · log10(2^53) ≈ 1.6e6 loop turns.
  expectNumber('geometricStepGrid', 'perDecade', perDecade, { min: 0, exclusiveMin: true, max: 1e5 });
  const out: number[] = [0];
  const ratio = Math.pow(10, 1 / perDecade);
  let x = 1;
  while (x < tMax) {
    const s = Math.round(x);
    if (s > out[out.length - 1]!) out.push(s);
    x *= ratio;
  }
  if (out[out.length - 1] !== tMax) out.push(tMax);
  return out;
}
