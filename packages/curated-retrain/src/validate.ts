/** Input checks shared by every module; errors name the function, the argument, what was expected and what came. */

/** Describes a value for an error message without dumping large arrays. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v) || Array.isArray(v)) return `an array of length ${(v as ArrayLike<unknown>).length}`;
  return typeof v;
}

/** Throws unless `v` is an integer >= `min`. */
export function checkInteger(fn: string, name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${describeValue(v)}`);
  }
  return v;
}

/** Throws unless `v` is a finite number (optionally >= min / > min). */
export function checkFinite(fn: string, name: string, v: unknown, opts: { min?: number; exclusiveMin?: boolean } = {}): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new Error(`${fn}: ${name} must be a finite number, got ${describeValue(v)}`);
  }
  if (opts.min !== undefined && (opts.exclusiveMin ? v <= opts.min : v < opts.min)) {
    throw new Error(`${fn}: ${name} must be ${opts.exclusiveMin ? '>' : '>='} ${opts.min}, got ${v}`);
  }
  return v;
}

/** Throws unless every entry of `a` is finite. */
export function checkAllFinite(fn: string, name: string, a: ArrayLike<number>): void {
  checkNumberArray(fn, name, a);
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new Error(`${fn}: ${name} must be finite, got ${a[i]} at index ${i}`);
  }
}

/**
 * Throws unless `p` is a probability vector: non-negative, finite, summing to 1 within `tol`.
 * Returns a float64 copy renormalised to sum exactly to 1 (up to rounding).
 */
export function checkDistribution(fn: string, name: string, p: ArrayLike<number>, tol = 1e-6): Float64Array {
  checkNumberArray(fn, name, p);
  if (p.length === 0) throw new Error(`${fn}: ${name} must be a non-empty probability vector, got length 0`);
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!Number.isFinite(v) || v < 0) throw new Error(`${fn}: ${name} must be non-negative and finite, got ${v} at index ${i}`);
    s += v;
  }
  if (Math.abs(s - 1) > tol) throw new Error(`${fn}: ${name} must sum to 1 (within ${tol}), got sum ${s}`);
  const out = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) out[i] = p[i]! / s;
  return out;
}

/** Throws unless `a` has length `n`. */
export function checkLength(fn: string, name: string, a: ArrayLike<number>, n: number, what: string): void {
  checkNumberArray(fn, name, a);
  if (a.length !== n) throw new Error(`${fn}: ${name} must have length ${n} (${what}), got length ${a.length}`);
}

/** Validates the Luce choice-set size K (a positive integer, or Infinity where allowed). */
export function checkK(fn: string, K: unknown, allowInfinity = false): number {
  if (allowInfinity && K === Infinity) return Infinity;
  if (typeof K !== 'number' || !Number.isInteger(K) || K < 1) {
    throw new Error(`${fn}: K must be an integer >= 1${allowInfinity ? ' or Infinity' : ''}, got ${describeValue(K)}`);
  }
  return K;
}

/** Validates the reward scale beta (finite, >= 0). */
export function checkBeta(fn: string, beta: unknown): number {
  return checkFinite(fn, 'beta', beta, { min: 0 });
}

/** Validates syntheticToRealRatio: a number in [0, Infinity] (Infinity = curated synthetic data only). */
export function checkRatio(fn: string, ratio: unknown): number {
  if (typeof ratio !== 'number' || Number.isNaN(ratio) || ratio < 0) {
    throw new Error(`${fn}: syntheticToRealRatio must be a number in [0, Infinity] (synthetic count / real count; 0 = real data only, Infinity = curated only), got ${describeValue(ratio)}`);
  }
  return ratio;
}

/** Throws unless `options` is a plain object whose keys are all in `allowed` (unknown keys are an error). */
export function checkOptions<T>(fn: string, name: string, options: T, allowed: readonly string[]): T {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new Error(`${fn}: ${name} must be an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  for (const k of Object.keys(options as object)) {
    if (!allowed.includes(k)) throw new Error(`${fn}: unknown option '${k}' in ${name} (allowed: ${allowed.join(', ')})`);
  }
  return options;
}

/** Throws unless `v` is a seed: a safe non-negative integer (1.5, -1, NaN, 2^64 or a string would silently alias another stream). */
export function checkSeed(fn: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new Error(`${fn}: ${name} must be a safe non-negative integer, got ${typeof v === 'string' ? `'${v}'` : describeValue(v)}`);
  }
  return v;
}

/** Throws unless `v` is an integer in [min, max]; `why` says where the cap comes from. */
export function checkIntegerAtMost(fn: string, name: string, v: unknown, min: number, max: number, why: string): number {
  checkInteger(fn, name, v, min);
  if ((v as number) > max) throw new Error(`${fn}: ${name} must be an integer in [${min}, ${max}] (${why}), got ${v}`);
  return v as number;
}

/** Throws unless `a` is an array or typed array of numbers. */
export function checkNumberArray(fn: string, name: string, a: unknown): ArrayLike<number> {
  if (!(Array.isArray(a) || (ArrayBuffer.isView(a) && !(a instanceof DataView)))) {
    throw new Error(`${fn}: ${name} must be an array of numbers, got ${describeValue(a)}`);
  }
  return a as ArrayLike<number>;
}

/**
 * Throws unless `rng` is an Rng from gpu-kernels' createRng (duck-typed on the methods the loop draws with), so a
 * seed number or `{}` fails here instead of as "rng.gumbel is not a function" mid-run.
 */
export function checkRng(fn: string, name: string, rng: unknown): void {
  const r = rng as Record<string, unknown> | null | undefined;
  const ok = r !== null && typeof r === 'object' && ['uniform', 'normal', 'gumbel', 'int', 'uniformArray', 'normalArray'].every((m) => typeof r[m] === 'function');
  if (!ok) throw new Error(`${fn}: ${name} must be an Rng from createRng (gpu-kernels), got ${rng === null ? 'null' : typeof rng === 'number' ? rng : typeof rng}`);
}

/** Throws unless `v` is a Philox stream id: an integer in [0, 2^32). */
export function checkStream(fn: string, name: string, v: unknown): number {
  return checkIntegerAtMost(fn, name, v, 0, 2 ** 32 - 1, 'a Philox stream id');
}

/** Most float64 values one batch of samples may hold (2^27 = 1 GiB): past it, sample(n) is an out-of-memory crash. */
export const MAX_SAMPLE_VALUES = 2 ** 27;

/** Throws unless `n` is a sample count whose n × dim values stay within {@link MAX_SAMPLE_VALUES}. */
export function checkSampleCount(fn: string, name: string, n: unknown, dim: number): number {
  return checkIntegerAtMost(fn, name, n, 0, Math.floor(MAX_SAMPLE_VALUES / dim), `${name} × dim=${dim} values must stay <= 2^27`);
}
