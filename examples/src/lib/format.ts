/** Rounding and formatting of the numbers the reproductions put in tables, metrics and figure data. */

/** `v` rounded to `d` decimals through its decimal string (`toFixed`); non-finite values unchanged. */
export const round = (v: number, d = 4): number => (Number.isFinite(v) ? Number(v.toFixed(d)) : v);

/**
 * `x` rounded to `k` decimals as Math.round(x·10^k)/10^k (half up on the scaled binary value, so it may differ from
 * {@link round} in the last decimal).
 */
export const roundScaled = (x: number, k = 3): number => Math.round(x * 10 ** k) / 10 ** k;

/** `x` to `k` significant digits for a table cell, '—' when missing or not finite. */
export const formatPrecision = (x: number | null | undefined, k = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toPrecision(k));
