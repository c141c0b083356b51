/** Order statistics of small samples (seeds of a reproduction). */

/** Quantile with linear interpolation between order statistics (NumPy's default 'linear' method). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new Error('quantile: values must not be empty');
  if (!(q >= 0 && q <= 1)) throw new Error(`quantile: q must be in [0, 1], got ${q}`);
  const s = [...values].sort((a, b) => a - b);
  const pos = q * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (pos - lo) * (s[hi]! - s[lo]!);
}

/** The median (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}
