/** Argument checks shared by the public entry points; every error names the function, the argument and what came. */

const show = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

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

/** Throws unless `v` is undefined or a safe integer ≥ `min`. */
export function checkInteger(fn: string, arg: string, v: unknown, min: number): void {
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) throw new Error(`${fn}: ${arg} must be an integer >= ${min}, got ${show(v)}`);
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
