/**
 * Named seed derivations. A reproduction declares each way it derives a seed from the base seed once, with a name
 * and a human-readable formula, and lists them on its {@link Reproduction.seedDerivations}; the runner writes them
 * into the reproduction's results.json entry as `seedDerivations: { name: formula }`. The declaration is static,
 * so derivations computed inside the cell pool's worker threads (lib/cell-pool.ts) are recorded all the same.
 *
 * ```ts
 * export const memberSeed = defineSeed('member', 'base·100000 + width·10 + 2·pair + member',
 *   (base: number, width: number, pair: number, member: number) => base * 100000 + width * 10 + 2 * pair + member);
 * // index.ts: export const reproduction: Reproduction = { ..., seedDerivations: [memberSeed] };
 * ```
 */

/** A seed derivation: call it like its function; `seedName` and `formula` are what results.json records. */
export type SeedDerivation<A extends number[] = number[]> = ((...args: A) => number) & {
  readonly seedName: string;
  readonly formula: string;
};

// Derivations called in this thread since the last reset; src/registry.test.ts checks them against the declared ones.
const called = new Set<SeedDerivation<never>>();

/**
 * Declares a named seed derivation. The returned function computes `fn(...args)` and throws when the result is not
 * a safe integer (a seed recorded in results.json must be one).
 */
export function defineSeed<A extends number[]>(name: string, formula: string, fn: (...args: A) => number): SeedDerivation<A> {
  if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name)) throw new Error(`defineSeed: bad name '${name}'`);
  if (formula.trim() === '') throw new Error(`defineSeed(${name}): empty formula`);
  const derive = ((...args: A): number => {
    const seed = fn(...args);
    if (!Number.isSafeInteger(seed)) throw new Error(`seed '${name}' (${formula}) of ${JSON.stringify(args)} is ${seed}, not a safe integer`);
    called.add(derive as SeedDerivation<never>);
    return seed;
  }) as SeedDerivation<A>;
  Object.defineProperties(derive, { seedName: { value: name, enumerable: true }, formula: { value: formula, enumerable: true } });
  return derive;
}

/** `{ name: formula }` of the given derivations, as results.json records them; two of one name are an error. */
export function seedDerivationRecord(derivations: readonly SeedDerivation<never>[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of derivations) {
    if (Object.hasOwn(out, d.seedName)) throw new Error(`seed derivation '${d.seedName}' declared twice`);
    out[d.seedName] = d.formula;
  }
  return out;
}

/** The derivations called in this thread (not in worker threads) since the last call, and forgets them. */
export function takeCalledSeedDerivations(): SeedDerivation<never>[] {
  const out = [...called];
  called.clear();
  return out;
}
