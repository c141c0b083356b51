/** Power-law fits of loss curves: least squares of log y on log x over a window, with t-based intervals. */
// Standard OLS in log-log, as the authors' `dana_powerlaw_fits.py` fits value = A tokens^beta.

/** A fitted y ~ A x^slope (so a decaying loss has slope < 0 and exponent = -slope). */
export interface PowerLawFit {
  slope: number;
  /** -slope: the decay exponent. */
  exponent: number;
  /** A in y = A x^slope. */
  prefactor: number;
  /** Standard error of the slope (OLS on log-log points). */
  slopeStderr: number;
  /** 95% confidence interval of the slope (Student t, n - 2 dof). */
  slopeCI95: [number, number];
  /** Coefficient of determination in log space. */
  r2: number;
  /** Number of points in the window. */
  n: number;
}

/** Options of {@link fitPowerLaw}. */
export interface PowerLawFitOptions {
  /** Keep points with xMin <= x <= xMax. */
  xMin?: number;
  xMax?: number;
  /** Subtract this from y before the fit (e.g. the loss floor). */
  offset?: number;
}

/** Two-sided 97.5% Student t quantile (exact table for small dof, normal limit otherwise). */
export function studentT975(dof: number): number {
  const table = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086];
  if (dof < 1) return Infinity;
  if (dof <= 20) return table[dof - 1]!;
  // Cornish-Fisher expansion around the normal quantile; error < 1e-3 for dof > 20.
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * dof) + (5 * z ** 5 + 16 * z ** 3 + 3 * z) / (96 * dof * dof);
}

/** Fits log(y - offset) = log A + slope log x on the window; throws if fewer than 3 usable points. */
export function fitPowerLaw(x: ArrayLike<number>, y: ArrayLike<number>, opts: PowerLawFitOptions = {}): PowerLawFit {
  const fn = 'fitPowerLaw';
  if (x.length !== y.length) throw new Error(`${fn}: x and y must have the same length, got ${x.length} and ${y.length}`);
  const lo = opts.xMin ?? 0;
  const hi = opts.xMax ?? Infinity;
  const off = opts.offset ?? 0;
  const lx: number[] = [];
  const ly: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const yi = y[i]! - off;
    if (!(xi > 0) || xi < lo || xi > hi) continue;
    if (!Number.isFinite(yi)) throw new Error(`${fn}: y must be finite, got ${y[i]} at index ${i}`);
    if (!(yi > 0)) continue;
    lx.push(Math.log(xi));
    ly.push(Math.log(yi));
  }
  const n = lx.length;
  if (n < 3) throw new Error(`${fn}: need at least 3 points with x in [${lo}, ${hi}] and y > offset, got ${n}`);
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += lx[i]!;
    my += ly[i]!;
  }
  mx /= n;
  my /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const a = lx[i]! - mx, b = ly[i]! - my;
    sxx += a * a;
    sxy += a * b;
    syy += b * b;
  }
  if (!(sxx > 0)) throw new Error(`${fn}: x must take at least two distinct values in the window`);
  const slope = sxy / sxx;
  const icpt = my - slope * mx;
  let sse = 0;
  for (let i = 0; i < n; i++) sse += (ly[i]! - icpt - slope * lx[i]!) ** 2;
  const se = Math.sqrt(sse / (n - 2) / sxx);
  const tq = studentT975(n - 2);
  return {
    slope,
    exponent: -slope,
    prefactor: Math.exp(icpt),
    slopeStderr: se,
    slopeCI95: [slope - tq * se, slope + tq * se],
    r2: syy > 0 ? 1 - sse / syy : 1,
    n,
  };
}

/** Local log-log slope d log y / d log x at each interior point (central differences). */
export function localLogSlope(x: ArrayLike<number>, y: ArrayLike<number>): Float64Array {
  const n = x.length;
  const out = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n - 1; i++) {
    if (x[i - 1]! > 0 && y[i - 1]! > 0 && y[i + 1]! > 0) out[i] = Math.log(y[i + 1]! / y[i - 1]!) / Math.log(x[i + 1]! / x[i - 1]!);
  }
  return out;
}

/** Log-log interpolation of a curve at x (x must lie inside the curve's range). */
export function interpLogLog(xs: ArrayLike<number>, ys: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  if (!(x >= xs[0]! && x <= xs[hi]!)) throw new Error(`interpLogLog: x must lie in [${xs[0]}, ${xs[hi]}], got ${x}`);
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid;
    else hi = mid;
  }
  const x0 = xs[lo]!, x1 = xs[hi]!;
  if (x1 === x0) return ys[lo]!;
  if (x0 <= 0) {
    const w = (x - x0) / (x1 - x0);
    return ys[lo]! * (1 - w) + ys[hi]! * w;
  }
  const w = Math.log(x / x0) / Math.log(x1 / x0);
  return Math.exp(Math.log(ys[lo]!) * (1 - w) + Math.log(ys[hi]!) * w);
}
