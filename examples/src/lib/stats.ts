/** Small statistics helpers shared by the reproductions: the mean and the spread of a sample. */

/** Arithmetic mean, summed left to right from 0 (NaN for no values). */
export function mean(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Sample standard deviation (n − 1 in the denominator; 0 for fewer than two values). */
export function sd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/** Standard error of the mean (sd / √n). */
export const sem = (v: readonly number[]): number => (v.length < 2 ? 0 : sd(v) / Math.sqrt(v.length));
