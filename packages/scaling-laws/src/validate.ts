/** Input validation helpers: errors name the function, the argument, what was expected and what came. */

/** Throws unless `x` is a finite number. */
export function assertFinite(fn: string, name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${fn}: ${name} must be a finite number, got ${x}`);
}

/** Throws unless `x` is a finite number > 0. */
export function assertPositive(fn: string, name: string, x: number): void {
  if (typeof x !== 'number' || !Number.isFinite(x) || x <= 0) throw new Error(`${fn}: ${name} must be a finite number > 0, got ${x}`);
}

/** Throws unless `x` is an integer >= min. */
export function assertInteger(fn: string, name: string, x: number, min = 1): void {
  if (!Number.isInteger(x) || x < min) throw new Error(`${fn}: ${name} must be an integer >= ${min}, got ${x}`);
}

/** Throws unless every entry of `a` is finite. */
export function assertFiniteArray(fn: string, name: string, a: ArrayLike<number>): void {
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]!)) throw new Error(`${fn}: ${name} must contain only finite values, got ${a[i]} at index ${i}`);
  }
}
