/**
 * The input checks every `@lemma` package uses at its public entries, exported once as `@lemma/gpu-kernels/validate`
 * (and re-exported by the package's main entry). Each throws a `TypeError` or `RangeError` whose message reads
 * `<fn>: <arg> must be <expected>, got <what came>` and returns the checked value, so a call site reads
 * `const n = expectInteger('traceD', 'd', d, { min: 1 });`. Checks that name what came take an optional `describe`
 * (default {@link describeValue}; {@link describeType} names it by type only).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../rng/rng';

/** Names the value that came in an error message: {@link describeValue} (the default) or {@link describeType}. */
export type DescribeValue = (v: unknown) => string;

/** Describes a value for an error message without dumping large arrays or tensors. */
export function describeValue(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (typeof v === 'string') return v.length > 40 ? `'${v.slice(0, 40)}…' (a string)` : `'${v}' (a string)`;
  if (typeof v === 'bigint') return `${v}n (a bigint)`;
  if (typeof v === 'boolean' || v === null || v === undefined) return String(v);
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (v instanceof tf.Tensor) {
    if (v.isDisposed) return 'a disposed tensor';
    return v.dtype === 'float32' ? `shape [${v.shape.join(', ')}]` : `an ${v.dtype} tensor of shape [${v.shape.join(', ')}]`.replace(/^an (?=[^aeiou])/, 'a ');
  }
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name} of length ${(v as unknown as ArrayLike<unknown>).length ?? v.byteLength}`;
  if (v instanceof RegExp) return String(v);
  return `an object (${v.constructor?.name ?? 'null prototype'})`;
}

/**
 * Names a value by its type only, never quoting it: numbers, `null` and `undefined` as themselves, arrays and typed
 * arrays as `an array of length n`, anything else (a DataView too) by its `typeof` (`'7'` reads `string`, `{}` reads
 * `object`). The terser style of {@link describeValue}, for packages whose messages read `got string`.
 */
export function describeType(v: unknown): string {
  if (typeof v === 'number') return String(v);
  if (v === null || v === undefined) return String(v);
  if (Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView))) return `an array of length ${(v as ArrayLike<unknown>).length}`;
  return typeof v;
}

/**
 * Builds the error `<fn>: <arg> must be <expected>, got <describe(got)>` (a TypeError for a wrong type); `describe`
 * defaults to {@link describeValue}.
 */
export function invalidArgument(fn: string, arg: string, expected: string, got: unknown, kind: 'type' | 'range' = 'range', describe: DescribeValue = describeValue): Error {
  const msg = `${fn}: ${arg} must be ${expected}, got ${describe(got)}`;
  return kind === 'type' ? new TypeError(msg) : new RangeError(msg);
}

/** Bounds of {@link expectNumber}. */
export interface NumberRule {
  /** Smallest accepted value (inclusive unless `exclusiveMin`). */
  min?: number;
  /** Largest accepted value (inclusive unless `exclusiveMax`). */
  max?: number;
  exclusiveMin?: boolean;
  exclusiveMax?: boolean;
  /** Require an integer (with `max` defaulting to Number.MAX_SAFE_INTEGER). */
  integer?: boolean;
  /** Accept +Infinity (e.g. "no cap"). NaN is never accepted. */
  allowInfinity?: boolean;
  /** Replaces the generated expectation text, e.g. 'a probability in (0, 1)'. */
  expected?: string;
  /**
   * A further condition the bounds can't say, checked last (e.g. `(v) => v < 1 || v === 2`); a number failing it
   * gets the same RangeError. Give `expected` with it: the generated text does not describe it.
   */
  test?: (v: number) => boolean;
  /** Names the value that came (default {@link describeValue}). */
  describe?: DescribeValue;
}

function ruleText(r: NumberRule): string {
  if (r.expected) return r.expected;
  let what = r.integer ? 'an integer' : r.allowInfinity ? 'a number' : 'a finite number';
  let min = r.min;
  if (r.integer && !r.exclusiveMin && (min === 0 || min === 1)) {
    what = min === 0 ? 'a non-negative integer' : 'a positive integer';
    min = undefined;
  }
  const max = r.integer && r.max === Number.MAX_SAFE_INTEGER ? undefined : r.max;
  const parts: string[] = [];
  if (min !== undefined) parts.push(`${r.exclusiveMin ? '>' : '>='} ${min}`);
  if (max !== undefined) parts.push(`${r.exclusiveMax ? '<' : '<='} ${max}`);
  return parts.length ? `${what} ${parts.join(' and ')}` : what;
}

/** Throws unless `v` is a number (never NaN) obeying `rule`; finite unless `rule.allowInfinity`. Returns `v`. */
export function expectNumber(fn: string, arg: string, v: unknown, rule: NumberRule = {}): number {
  const r = rule.integer && rule.max === undefined ? { ...rule, max: Number.MAX_SAFE_INTEGER } : rule;
  if (typeof v !== 'number') throw invalidArgument(fn, arg, ruleText(r), v, 'type', r.describe);
  const ok =
    !Number.isNaN(v) &&
    (Number.isFinite(v) || (r.allowInfinity === true && v === Infinity)) &&
    (!r.integer || Number.isInteger(v)) &&
    (r.min === undefined || (r.exclusiveMin ? v > r.min : v >= r.min)) &&
    (r.max === undefined || v === Infinity || (r.exclusiveMax ? v < r.max : v <= r.max)) &&
    (r.test === undefined || r.test(v));
  if (!ok) throw invalidArgument(fn, arg, ruleText(r), v, 'range', r.describe);
  return v;
}

/** Throws unless `v` is a finite number. */
export function expectFinite(fn: string, arg: string, v: unknown): number {
  return expectNumber(fn, arg, v);
}

/** Throws unless `v` is a finite number > 0. */
export function expectPositive(fn: string, arg: string, v: unknown): number {
  return expectNumber(fn, arg, v, { min: 0, exclusiveMin: true });
}

/**
 * Throws unless `v` is an integer in [min, max] (defaults: 0 and Number.MAX_SAFE_INTEGER, so a safe integer; pass
 * `max: Infinity` for any finite integer). `expected` and `describe` as in {@link NumberRule}.
 */
export function expectInteger(fn: string, arg: string, v: unknown, range: { min?: number; max?: number; expected?: string; describe?: DescribeValue } = {}): number {
  return expectNumber(fn, arg, v, {
    integer: true,
    min: range.min ?? 0,
    max: range.max ?? Number.MAX_SAFE_INTEGER,
    ...(range.expected ? { expected: range.expected } : {}),
    ...(range.describe ? { describe: range.describe } : {}),
  });
}

/**
 * Throws unless `v` is a seed: a safe non-negative integer (0 ≤ v ≤ 2^53 − 1). Fractions, negatives, NaN, strings
 * and numbers past 2^53 are rejected rather than silently mapped onto another seed's stream.
 */
export function expectSeed(fn: string, arg: string, v: unknown): number {
  return expectNumber(fn, arg, v, { integer: true, min: 0, max: Number.MAX_SAFE_INTEGER, expected: 'a safe non-negative integer (0 ≤ seed ≤ 2^53 − 1)' });
}

/** Throws unless `v` is a Philox stream id: an integer in [0, 2^32). */
export function expectStream(fn: string, arg: string, v: unknown): number {
  return expectNumber(fn, arg, v, { integer: true, min: 0, max: 0xffffffff, expected: 'an integer in [0, 2^32)' });
}

/** Throws unless `v` is a boolean. */
export function expectBoolean(fn: string, arg: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw invalidArgument(fn, arg, 'true or false', v, 'type');
  return v;
}

/** Throws unless `v` is a function. */
export function expectFunction<T extends (...args: never[]) => unknown>(fn: string, arg: string, v: T): T {
  if (typeof v !== 'function') throw invalidArgument(fn, arg, 'a function', v, 'type');
  return v;
}

/** Throws unless `v` is one of `allowed` (compared with ===). */
export function expectOneOf<const T extends string | number | boolean>(fn: string, arg: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    const names = allowed.map((a) => (typeof a === 'string' ? `'${a}'` : String(a)));
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : (names[0] ?? 'nothing');
    throw invalidArgument(fn, arg, list, v);
  }
  return v as T;
}

/** How {@link expectOptions} treats `undefined` and words its errors. */
export interface OptionsRule {
  /** Reject `undefined` too (`<arg> must be an options object, got undefined`); by default it reads as `{}`. */
  required?: boolean;
  /** Names what came when it is not an object (default {@link describeValue}). */
  describe?: DescribeValue;
  /**
   * The whole message for unknown key `key` (default `<fn>: <arg> has an unknown key '<key>'; known keys: …`, with
   * ` (did you mean '<suggestion>'?)` after the key when {@link suggestKey} finds one); `suggestion` is that key.
   */
  unknownKey?: (key: string, suggestion: string | undefined) => string;
  /**
   * Names users bring from other libraries, mapped to ours (`{ numItermax: 'maxIterations', lr: 'learningRate' }`),
   * matched exactly, then ignoring case. A name mapped to a key outside `known` is ignored, so one table can serve
   * several functions. See {@link suggestKey}.
   */
  aliases?: Readonly<Record<string, string>>;
  /** Also suggest the known key closest in spelling (see {@link suggestKey}; default false). */
  closest?: boolean;
}

/**
 * The known key an unknown `key` most likely meant: its entry in `aliases` (matched exactly, then ignoring case) when that is a
 * known key; else, with `closest`, the known key nearest in case-insensitive edit distance when that distance is at
 * most max(2, ⌊key.length / 3⌋) and less than key.length (so `x` is not "meant" as `a`); else undefined. The "did you mean" of {@link expectOptions}, exported so a package
 * with its own message format can reuse it.
 */
export function suggestKey(key: string, known: readonly string[], rule: { aliases?: Readonly<Record<string, string>>; closest?: boolean } = {}): string | undefined {
  const entries = Object.entries(rule.aliases ?? {});
  const lower = key.toLowerCase();
  const alias = entries.find(([name]) => name === key) ?? entries.find(([name]) => name.toLowerCase() === lower);
  if (alias !== undefined && known.includes(alias[1])) return alias[1];
  if (!rule.closest) return undefined;
  let best: string | undefined;
  let bestD = Math.min(Math.max(2, Math.floor(key.length / 3)), key.length - 1) + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      best = k;
      bestD = d;
    }
  }
  return best;
}

/** Levenshtein distance (insertions, deletions and substitutions cost 1). */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0]!;
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = d[j]!;
      d[j] = Math.min(cur + 1, d[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return d[b.length]!;
}

/**
 * Throws unless `v` is undefined (unless `rule.required`) or a plain object whose keys are all in `known` (an unknown
 * key is an error, so a misspelt option never passes silently; `rule.aliases` / `rule.closest` add a "did you mean").
 * Returns the object (`{}` for undefined).
 *
 * @example
 * expectOptions('sinkhorn', 'options', { numItermax: 10 }, ['maxIterations'], { aliases: { numItermax: 'maxIterations' } });
 * // TypeError: sinkhorn: options has an unknown key 'numItermax' (did you mean 'maxIterations'?); known keys: maxIterations
 */
export function expectOptions<T extends object>(fn: string, arg: string, v: T | undefined, known: readonly (keyof T & string)[], rule: OptionsRule = {}): T {
  if (v === undefined && !rule.required) return {} as T;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof tf.Tensor) throw invalidArgument(fn, arg, 'an options object', v, 'type', rule.describe);
  for (const k of Object.keys(v)) {
    if (!(known as readonly string[]).includes(k)) {
      const hint = suggestKey(k, known, rule);
      const mean = hint === undefined ? '' : ` (did you mean '${hint}'?)`;
      throw new TypeError(rule.unknownKey ? rule.unknownKey(k, hint) : `${fn}: ${arg} has an unknown key '${k}'${mean}; known keys: ${known.join(', ')}`);
    }
  }
  return v;
}

/**
 * Throws unless `v` is an array or a typed array (not a DataView); its entries are not read, so this costs nothing
 * on a large typed array (follow with {@link expectFiniteValues}; {@link expectNumberArray} also checks that a plain
 * array holds numbers). `expected` defaults to 'an array of numbers'.
 */
export function expectArrayLike(fn: string, arg: string, v: unknown, rule: { expected?: string; describe?: DescribeValue } = {}): ArrayLike<number> {
  if (!(Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView)))) {
    throw invalidArgument(fn, arg, rule.expected ?? 'an array of numbers', v, 'type', rule.describe);
  }
  return v as ArrayLike<number>;
}

/**
 * Throws unless `a` has length `n`: `<fn>: <arg> must have length <n> (<why>), got length <a.length>`, the
 * parenthesis only when `why` is given (e.g. 'one reward per atom of p'). Returns `a`.
 */
export function expectLength<A extends ArrayLike<unknown>>(fn: string, arg: string, a: A, n: number, why?: string): A {
  if (a.length !== n) throw new RangeError(`${fn}: ${arg} must have length ${n}${why ? ` (${why})` : ''}, got length ${a.length}`);
  return a;
}

/** The methods {@link expectRng} requires (those a sampler draws with). */
const RNG_METHODS = ['uniform', 'normal', 'gumbel', 'int', 'uniformArray', 'normalArray'] as const;

/**
 * Throws unless `v` is an {@link Rng} from `createRng` (duck-typed on its drawing methods `uniform`, `normal`,
 * `gumbel`, `int`, `uniformArray`, `normalArray`), so a seed number or `{}` fails at the call instead of as
 * "rng.gumbel is not a function" mid-run.
 */
export function expectRng(fn: string, arg: string, v: unknown, rule: { describe?: DescribeValue } = {}): Rng {
  const r = v as Record<string, unknown> | null | undefined;
  const ok = r !== null && typeof r === 'object' && RNG_METHODS.every((m) => typeof r[m] === 'function');
  if (!ok) throw invalidArgument(fn, arg, 'an Rng from createRng (gpu-kernels)', v, 'type', rule.describe);
  return v as Rng;
}

/** Throws unless `a` is an array or typed array of finite numbers (of length `length` when given). */
export function expectFiniteArray(fn: string, arg: string, a: unknown, length?: number): ArrayLike<number> {
  const arr = expectArrayLike(fn, arg, a, { expected: 'an array of finite numbers' }) as ArrayLike<unknown>;
  if (length !== undefined && arr.length !== length) throw invalidArgument(fn, arg, `an array of length ${length}`, a);
  for (let i = 0; i < arr.length; i++) {
    const x = arr[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw invalidArgument(fn, `${arg}[${i}]`, 'a finite number', x);
  }
  return arr as ArrayLike<number>;
}

/** Throws unless `shape` is an array of non-negative safe integers. */
export function expectShape(fn: string, arg: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw invalidArgument(fn, arg, 'an array of non-negative integers', shape, 'type');
  }
  return shape as number[];
}

/** Throws unless `t` is a live tf.Tensor (of dtype `dtype` when given). Never converts. */
export function expectTensor(fn: string, arg: string, t: unknown, dtype?: tf.DataType): tf.Tensor {
  if (!(t instanceof tf.Tensor) || t.isDisposed) throw invalidArgument(fn, arg, `a ${dtype ?? ''}${dtype ? ' ' : ''}tensor`, t, 'type');
  if (dtype && t.dtype !== dtype) throw invalidArgument(fn, arg, `a ${dtype} tensor`, t, 'type');
  return t;
}

/** Throws unless tensor `t` has rank `rank`. */
export function expectRank(fn: string, arg: string, t: tf.Tensor, rank: number): void {
  if (t.rank !== rank) throw invalidArgument(fn, arg, `a ${rank}-D tensor`, t);
}

/**
 * Converts a tensor-like argument to a float32 tensor (a float32 tensor passes through unchanged; check
 * `result !== x` to know whether to dispose it). Rejects other dtypes, strings, booleans and ragged arrays
 * without leaving a tensor behind.
 */
export function toFloatTensor(fn: string, arg: string, x: unknown): tf.Tensor {
  if (x instanceof tf.Tensor) {
    if (x.isDisposed) throw invalidArgument(fn, arg, 'a live float32 tensor', x, 'type');
    if (x.dtype !== 'float32') throw invalidArgument(fn, arg, 'a float32 tensor', x, 'type');
    return x;
  }
  const numeric = typeof x === 'number' || x instanceof Float32Array || x instanceof Float64Array || Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView));
  if (!numeric) throw invalidArgument(fn, arg, 'a float32 tensor or nested number array', x, 'type');
  if (!isNumericNest(x)) throw invalidArgument(fn, arg, 'a float32 tensor or rectangular nested number array', x, 'type');
  try {
    return tf.tensor(x as tf.TensorLike, undefined, 'float32');
  } catch (e) {
    throw invalidArgument(fn, arg, `a float32 tensor or rectangular nested number array (${(e as Error).message})`, x, 'type');
  }
}

/** True for a number, a numeric typed array, or a rectangular nest of arrays of those. */
function isNumericNest(x: unknown): boolean {
  const shapeOf = (v: unknown): number[] | null => {
    if (typeof v === 'number') return [];
    if (ArrayBuffer.isView(v)) return v instanceof DataView || v instanceof BigInt64Array || v instanceof BigUint64Array ? null : [(v as unknown as ArrayLike<number>).length];
    if (!Array.isArray(v)) return null;
    if (v.length === 0) return [0];
    const first = shapeOf(v[0]);
    if (first === null) return null;
    for (let i = 1; i < v.length; i++) {
      const s = shapeOf(v[i]);
      if (s === null || s.length !== first.length || s.some((d, k) => d !== first[k])) return null;
    }
    return [v.length, ...first];
  };
  return shapeOf(x) !== null;
}

/**
 * Runs `body` with tensors converted by {@link toFloatTensor} and disposes the converted copies afterwards,
 * also when a later check throws (so a rejected call leaves `tf.memory().numTensors` unchanged).
 */
export function withOwned<R>(body: (own: <T extends tf.Tensor>(t: T, original: unknown) => T) => R): R {
  const owned: tf.Tensor[] = [];
  const own = <T extends tf.Tensor>(t: T, original: unknown): T => {
    if (t !== original) owned.push(t);
    return t;
  };
  try {
    return body(own);
  } finally {
    for (const t of owned) t.dispose();
  }
}

// --- Appended for @lemma/ot-matching (issue 15 item 3: its validate.ts merged here) ---------------------------

/** Throws unless `v` is an array or typed array of numbers (entries of a plain array are checked to be numbers; NaN passes). */
export function expectNumberArray(fn: string, arg: string, v: unknown): ArrayLike<number> {
  const ok = Array.isArray(v) ? v.every((x) => typeof x === 'number') : ArrayBuffer.isView(v) && !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array);
  if (!ok) throw invalidArgument(fn, arg, 'an array of numbers', v, 'type');
  return v as ArrayLike<number>;
}

/**
 * Throws unless every entry of the numbers `v` is finite, naming the first bad one: `<fn>: <arg> must be finite,
 * got NaN at index 3` (for large typed arrays whose type is already known; {@link expectFiniteArray} also checks it).
 */
export function expectFiniteValues(fn: string, arg: string, v: ArrayLike<number>): ArrayLike<number> {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw new RangeError(`${fn}: ${arg} must be finite, got ${describeValue(v[i])} at index ${i}`);
  }
  return v;
}

/** Throws unless `v` is a non-null, non-array object (a record, a spec, a point cloud); `what` names it. */
export function expectObject<T extends object = Record<string, unknown>>(fn: string, arg: string, v: unknown, what: string): T {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw invalidArgument(fn, arg, what, v, 'type');
  return v as T;
}

/**
 * Throws unless `m` looks like a tfjs-layers LayersModel (duck-typed: `layers` array and `predict` function, so a
 * model from a second copy of tfjs-layers, which fails instanceof, still passes).
 */
export function expectLayersModel<T = unknown>(fn: string, arg: string, m: unknown): T {
  const ok = m !== null && typeof m === 'object' && Array.isArray((m as { layers?: unknown }).layers) && typeof (m as { predict?: unknown }).predict === 'function';
  if (!ok) throw invalidArgument(fn, arg, 'a tfjs-layers LayersModel', m, 'type');
  return m as T;
}

/**
 * Throws unless `perm` (an Int32Array or number[]) is a permutation of 0..n-1, each index exactly once; `n`
 * defaults to its length. A gather by a non-permutation would duplicate some units and drop others silently.
 */
export function expectPermutation(fn: string, arg: string, perm: unknown, n?: number): ArrayLike<number> {
  if (!(perm instanceof Int32Array) && !Array.isArray(perm)) throw invalidArgument(fn, arg, 'an Int32Array permutation', perm, 'type');
  const p = perm as ArrayLike<number>;
  const len = n ?? p.length;
  if (p.length !== len) throw new RangeError(`${fn}: ${arg} must have length ${len}, got ${p.length}`);
  const seen = new Uint8Array(len);
  for (let k = 0; k < len; k++) {
    const v = p[k]!;
    if (!Number.isInteger(v) || v < 0 || v >= len) throw new RangeError(`${fn}: ${arg} must be a permutation of 0..${len - 1}, got ${describeValue(v)} at index ${k}`);
    if (seen[v]) throw new RangeError(`${fn}: ${arg} must be a permutation of 0..${len - 1}, got ${v} twice (again at index ${k})`);
    seen[v] = 1;
  }
  return p;
}
