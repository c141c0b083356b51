/** Mean and two-sided 95 % Student-t interval of a small sample (seeds). */

/** t_{0.975, df} for df = 1..30 (beyond 30 the normal 1.96 is within 2 %). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean, sample standard deviation and the 95 % t interval (NaN half-width for fewer than two values). */
export function meanCi95(values: readonly number[]): { mean: number; sd: number; lo: number; hi: number; n: number } {
  const n = values.length;
  if (n === 0) throw new Error('meanCi95: values must not be empty');
  const mean = values.reduce((s, v) => s + v, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1)) : NaN;
  const half = n > 1 ? (T975[Math.min(n - 1, 30) - 1] ?? 1.96) * (sd / Math.sqrt(n)) : NaN;
  return { mean, sd, lo: mean - half, hi: mean + half, n };
}
