/** float32 unit roundoff, 2^-24. */
export const F32_EPS = 2 ** -24;

/**
 * Relative error bound for a float32 reduction of `n` terms: worst case n·u, typical sqrt(n)·u. We use the
 * worst case times `safety` (default 4), which holds for summation in any order.
 */
export function float32SumTolerance(n: number, safety = 4): number {
  return safety * Math.max(1, n) * F32_EPS;
}

/** Options of {@link assertAllClose}. */
export interface CloseOptions {
  /** Relative tolerance (times |expected|). */
  rtol?: number;
  /** Absolute tolerance. */
  atol?: number;
  /** Label used in the error message. */
  label?: string;
}

/**
 * Throws unless |actual - expected| <= atol + rtol·|expected| elementwise, naming the worst element.
 * NaN matches only NaN; infinities must match exactly.
 */
export function assertAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, opts: CloseOptions = {}): void {
  const { rtol = 1e-5, atol = 1e-6, label = 'value' } = opts;
  if (actual.length !== expected.length) {
    throw new Error(`${label}: length ${actual.length} != expected ${expected.length}`);
  }
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (Number.isNaN(e) !== Number.isNaN(a)) throw new Error(`${label}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    if (!Number.isFinite(e) || !Number.isFinite(a)) {
      if (a !== e) throw new Error(`${label}[${i}]: got ${a}, expected ${e}`);
      continue;
    }
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  if (worst >= 0) {
    const a = actual[worst]!;
    const e = expected[worst]!;
    throw new Error(
      `${label}[${worst}]: got ${a}, expected ${e} (|diff| ${Math.abs(a - e).toExponential(3)} > atol ${atol} + rtol ${rtol}·|expected|)`,
    );
  }
}

/** Largest |actual - expected| / (|expected| + floor). */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-12): number {
  let m = 0;
  for (let i = 0; i < actual.length; i++) {
    m = Math.max(m, Math.abs(actual[i]! - expected[i]!) / (Math.abs(expected[i]!) + floor));
  }
  return m;
}
