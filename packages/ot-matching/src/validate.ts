/** Argument checks shared by the public entry points; every error names the function, the argument and what came. */

/** Describes a value for an error message (short arrays inline, objects by kind, never `[object Object]`). */
export const show = (v: unknown): string => {
  if (typeof v === 'string') return `'${v}'`;
  if (Array.isArray(v)) return v.length <= 8 ? `[${v.map(show).join(', ')}]` : `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length}`;
  if (typeof v === 'function') return 'a function';
  if (v !== null && typeof v === 'object') return `an object (${v.constructor?.name ?? 'null prototype'})`;
  return String(v);
};

/** Throws on keys of `options` outside `allowed` (a typo must not silently fall back to a default). */
export function checkOptionKeys(fn: string, arg: string, options: object | undefined, allowed: readonly string[]): void {
  if (options === undefined) return;
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: ${arg} must be an object, got ${show(options)}`);
  for (const k of Object.keys(options)) {
    if (!allowed.includes(k)) throw new Error(`${fn}: unknown option ${arg}.${k} (expected one of ${allowed.join(', ')})`);
  }
}

/** Throws unless `v` is undefined or one of `values`. */
export function checkOneOf<T>(fn: string, arg: string, v: unknown, values: readonly T[]): void {
  if (v === undefined) return;
  if (!values.includes(v as T)) throw new Error(`${fn}: ${arg} must be one of ${values.map(show).join(', ')}, got ${show(v)}`);
}

/** Throws unless `v` is undefined or a safe integer ≥ `min` (and ≤ `max` when given: a cap against hang-inducing sizes). */
export function checkInteger(fn: string, arg: string, v: unknown, min: number, max?: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new Error(`${fn}: ${arg} must be an integer >= ${min}${max === undefined ? '' : ` and <= ${max}`}, got ${show(v)}`);
  if (max !== undefined && v > max) throw new Error(`${fn}: ${arg} must be an integer >= ${min} and <= ${max}, got ${show(v)}`);
}

/** Like {@link checkInteger} for a required value (undefined is an error too); returns `v`. */
export function requireInteger(fn: string, arg: string, v: unknown, min: number, max?: number): number {
  if (v === undefined) throw new Error(`${fn}: ${arg} must be an integer >= ${min}${max === undefined ? '' : ` and <= ${max}`}, got undefined`);
  checkInteger(fn, arg, v, min, max);
  return v as number;
}

/** Throws unless `v` is a finite number (≥ `min` when given). */
export function checkFinite(fn: string, arg: string, v: unknown, min?: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (min !== undefined && v < min)) throw new Error(`${fn}: ${arg} must be a finite number${min === undefined ? '' : ` >= ${min}`}, got ${show(v)}`);
  return v;
}

/** Throws unless `v` is an array or typed array of numbers (entries of a plain array are checked to be numbers). */
export function checkNumberArray(fn: string, arg: string, v: unknown): ArrayLike<number> {
  const ok = Array.isArray(v) ? v.every((x) => typeof x === 'number') : ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  if (!ok) throw new Error(`${fn}: ${arg} must be an array of numbers, got ${show(v)}`);
  return v as ArrayLike<number>;
}

/** Throws unless `v` is a non-null, non-array object (an options bag, a spec, a params record). */
export function checkObject(fn: string, arg: string, v: unknown, what: string): void {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${fn}: ${arg} must be ${what}, got ${show(v)}`);
}

/** Throws unless `m` looks like a tfjs-layers LayersModel (duck-typed: a second copy of tfjs-layers fails instanceof). */
export function checkModel(fn: string, arg: string, m: unknown): void {
  const ok = m !== null && typeof m === 'object' && Array.isArray((m as { layers?: unknown }).layers) && typeof (m as { predict?: unknown }).predict === 'function';
  if (!ok) throw new Error(`${fn}: ${arg} must be a tfjs-layers LayersModel, got ${show(m)}`);
}

/** Throws unless `v` is undefined or a finite number > 0. */
export function checkPositive(fn: string, arg: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) throw new Error(`${fn}: ${arg} must be a finite number > 0, got ${show(v)}`);
}

/** Throws unless `v` is undefined or a boolean. */
export function checkBoolean(fn: string, arg: string, v: unknown): void {
  if (v === undefined) return;
  if (typeof v !== 'boolean') throw new Error(`${fn}: ${arg} must be true or false, got ${show(v)}`);
}

/** Throws unless every entry is finite. */
export function checkFiniteArray(fn: string, arg: string, v: ArrayLike<number>): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`${fn}: ${arg} must be finite, got ${v[i]} at index ${i}`);
  }
}

/**
 * Throws unless `perm` is a permutation of 0..n-1 (integer entries, each exactly once); `n` defaults to its length.
 * A gather by a non-permutation would duplicate some units and drop others without any error.
 */
export function checkPermutation(fn: string, arg: string, perm: unknown, n?: number): void {
  if (!(perm instanceof Int32Array) && !Array.isArray(perm)) throw new Error(`${fn}: ${arg} must be an Int32Array permutation, got ${show(perm)}`);
  const p = perm as ArrayLike<number>;
  const len = n ?? p.length;
  if (p.length !== len) throw new Error(`${fn}: ${arg} must have length ${len}, got ${p.length}`);
  const seen = new Uint8Array(len);
  for (let k = 0; k < len; k++) {
    const v = p[k]!;
    if (!Number.isInteger(v) || v < 0 || v >= len) throw new Error(`${fn}: ${arg} must be a permutation of 0..${len - 1}, got ${v} at index ${k}`);
    if (seen[v]) throw new Error(`${fn}: ${arg} must be a permutation of 0..${len - 1}, got ${v} twice (again at index ${k})`);
    seen[v] = 1;
  }
}
