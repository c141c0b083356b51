/** Mean and a two-sided 95 % interval of a small sample (seeds): Student t, or the normal 1.96. */
import { mean, sd } from './stats';

/** t_{0.975, df} for df = 1..30 (beyond 30 the normal 1.96 is within 2 %). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean, sample standard deviation and the 95 % t interval (NaN half-width for fewer than two values). */
export function meanCi95(values: readonly number[]): { mean: number; sd: number; lo: number; hi: number; n: number } {
  const n = values.length;
  if (n === 0) throw new Error('meanCi95: values must not be empty');
  const m = mean(values);
  const s = n > 1 ? sd(values) : NaN;
  const half = n > 1 ? (T975[Math.min(n - 1, 30) - 1] ?? 1.96) * (s / Math.sqrt(n)) : NaN;
  return { mean: m, sd: s, lo: m - half, hi: m + half, n };
}

/** Mean and the half-width `ci` of the normal 95 % interval, 1.96·sd/√n (0 for fewer than two values). */
export function meanNormalCi95(values: readonly number[]): { mean: number; ci: number } {
  const m = mean(values);
  if (values.length < 2) return { mean: m, ci: 0 };
  return { mean: m, ci: (1.96 * sd(values)) / Math.sqrt(values.length) };
}
