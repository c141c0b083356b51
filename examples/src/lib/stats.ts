/** Small statistics helpers shared by the reproductions (means, spreads, least-squares lines). */

export const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Sample standard deviation (0 for fewer than two values). */
export function sd(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

/** Standard error of the mean (sd / √n). */
export const sem = (v: readonly number[]): number => (v.length < 2 ? 0 : sd(v) / Math.sqrt(v.length));

/** Ordinary least squares y = a + b x with the slope's standard error (Infinity with two points or fewer). */
export function fitLine(x: readonly number[], y: readonly number[]): { slope: number; intercept: number; slopeSe: number } {
  const mx = mean(x);
  const my = mean(y);
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i++) {
    sxx += (x[i]! - mx) ** 2;
    sxy += (x[i]! - mx) * (y[i]! - my);
  }
  const slope = sxy / sxx;
  const intercept = my - slope * mx;
  let rss = 0;
  for (let i = 0; i < x.length; i++) rss += (y[i]! - intercept - slope * x[i]!) ** 2;
  const slopeSe = x.length > 2 ? Math.sqrt(rss / (x.length - 2) / sxx) : Infinity;
  return { slope, intercept, slopeSe };
}
