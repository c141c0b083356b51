/** Geometric (log-spaced) grids of integer steps at which risks are logged. */

/**
 * Distinct integer steps 0, 1, ..., up to `tMax` spaced geometrically with `perDecade` points per
 * decade (the authors log at 1.1^k; perDecade = 24 is about that).
 */
export function geometricStepGrid(tMax: number, perDecade = 24): number[] {
  if (!Number.isInteger(tMax) || tMax < 1) throw new Error(`geometricStepGrid: tMax must be an integer >= 1, got ${tMax}`);
  if (!(perDecade > 0)) throw new Error(`geometricStepGrid: perDecade must be > 0, got ${perDecade}`);
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
