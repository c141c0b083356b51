/**
 * Ordinary least squares y = a + b x with standard errors (the classical homoscedastic formulas) and R²: the one line
 * fit of the reproductions.
 */
import { mean } from './stats';

/** A fitted line y = intercept + slope·x. */
export interface LinearFit {
  intercept: number;
  slope: number;
  /** Standard error of the slope: sqrt(s² / Sxx) with s² = RSS / (n - 2); NaN for n < 3. */
  slopeSe: number;
  interceptSe: number;
  /** Coefficient of determination 1 - RSS / TSS (1 when y is constant and fitted exactly). */
  r2: number;
  n: number;
}

/** Fits y = a + b x by least squares; needs at least two distinct x (throws otherwise). */
export function olsFit(xs: readonly number[], ys: readonly number[]): LinearFit {
  const n = xs.length;
  if (ys.length !== n || n < 2) throw new Error(`olsFit: xs and ys must have the same length >= 2, got ${n} and ${ys.length}`);
  const mx = mean(xs);
  const my = mean(ys);
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (xs[i]! - mx) ** 2;
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    syy += (ys[i]! - my) ** 2;
  }
  if (!(sxx > 0)) throw new Error('olsFit: xs must hold at least two distinct values');
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ys[i]! - intercept - slope * xs[i]!) ** 2;
  const s2 = n > 2 ? rss / (n - 2) : NaN;
  return {
    intercept,
    slope,
    slopeSe: Math.sqrt(s2 / sxx),
    interceptSe: Math.sqrt(s2 * (1 / n + (mx * mx) / sxx)),
    r2: syy === 0 ? 1 : 1 - rss / syy,
    n,
  };
}
