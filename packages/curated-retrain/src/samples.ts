/** A batch of points as a row-major float64 matrix: the currency between models, rewards and curators. */
import { describeType, expectArrayLike, expectFiniteValues, expectInteger } from '@lemma/gpu-kernels/validate';

/** `n` points of dimension `dim`, row-major in `data` (length n·dim). Categorical models use dim 1 with class indices. */
export interface Samples {
  readonly n: number;
  readonly dim: number;
  readonly data: Float64Array;
}

/**
 * Wraps a row-major array (or an array of rows) as {@link Samples}, checking shape and finiteness.
 *
 * @example
 * const pts = toSamples([[0, 1], [2, 3]]); // n = 2, dim = 2
 */
export function toSamples(values: ArrayLike<number> | readonly (readonly number[])[], dim?: number, fn = 'toSamples'): Samples {
  if (Array.isArray(values) && values.length > 0 && Array.isArray(values[0])) {
    const rows = values as readonly (readonly number[])[];
    const d = rows[0]!.length;
    const data = new Float64Array(rows.length * d);
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== d) throw new Error(`${fn}: every row must have length ${d} (the first row's), got length ${row.length} at row ${i}`);
      data.set(row, i * d);
    });
    expectFiniteValues(fn, 'values', data);
    return { n: rows.length, dim: d, data };
  }
  const flat = expectArrayLike(fn, 'values', values, { describe: describeType });
  const d = expectInteger(fn, 'dim', dim ?? 1, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
  if (flat.length % d !== 0) throw new Error(`${fn}: values must have a length divisible by dim=${d}, got length ${flat.length}`);
  const data = Float64Array.from(flat);
  expectFiniteValues(fn, 'values', data);
  return { n: data.length / d, dim: d, data };
}

/** Checks that `s` is a well-formed, finite, non-empty batch of dimension `dim`. */
export function checkSamples(fn: string, name: string, s: Samples, dim?: number, allowEmpty = false): void {
  if (!s || !(s.data instanceof Float64Array)) throw new Error(`${fn}: ${name} must be Samples { n, dim, data: Float64Array }, got ${typeof s}`);
  if (!Number.isInteger(s.n) || s.n < 0 || !Number.isInteger(s.dim) || s.dim < 1) throw new Error(`${fn}: ${name} must have an integer n >= 0 and dim >= 1, got n = ${s.n}, dim = ${s.dim}`);
  if (s.data.length !== s.n * s.dim) throw new Error(`${fn}: ${name}.data must have length n·dim = ${s.n * s.dim}, got ${s.data.length}`);
  if (!allowEmpty && s.n === 0) throw new Error(`${fn}: ${name} must contain at least one point, got n = 0`);
  if (dim !== undefined && s.dim !== dim) throw new Error(`${fn}: ${name} must have dim ${dim} (the model's), got dim ${s.dim}`);
  expectFiniteValues(fn, `${name}.data`, s.data);
}

/** Most float64 values one batch of samples may hold (2^27 = 1 GiB): past it, sample(n) is an out-of-memory crash. */
export const MAX_SAMPLE_VALUES = 2 ** 27;

/** Throws unless `n` is a sample count whose n × dim values stay within {@link MAX_SAMPLE_VALUES}. */
export function checkSampleCount(fn: string, name: string, n: unknown, dim: number): number {
  const max = Math.floor(MAX_SAMPLE_VALUES / dim);
  return expectInteger(fn, name, n, { min: 0, max, expected: `an integer in [0, ${max}] (${name} × dim=${dim} values must stay <= 2^27)`, describe: describeType });
}

/** Rows `idx` of `s`, in order. */
export function selectRows(s: Samples, idx: ArrayLike<number>): Samples {
  checkSamples('selectRows', 's', s, undefined, true);
  expectArrayLike('selectRows', 'idx', idx, { describe: describeType });
  for (let i = 0; i < idx.length; i++) {
    const k = idx[i]!;
    if (!Number.isInteger(k) || k < 0 || k >= s.n) throw new Error(`selectRows: idx must hold row indices in [0, ${s.n - 1}], got ${k} at position ${i}`);
  }
  const out = new Float64Array(idx.length * s.dim);
  for (let i = 0; i < idx.length; i++) out.set(s.data.subarray(idx[i]! * s.dim, (idx[i]! + 1) * s.dim), i * s.dim);
  return { n: idx.length, dim: s.dim, data: out };
}

/** The first `m` rows of `s` (a view, no copy). */
export function headRows(s: Samples, m: number): Samples {
  const k = Math.min(m, s.n);
  return { n: k, dim: s.dim, data: s.data.subarray(0, k * s.dim) };
}

/** Stacks batches of the same dimension. */
export function concatSamples(...parts: Samples[]): Samples {
  if (parts.length === 0) throw new Error('concatSamples: parts must hold at least one Samples, got none');
  parts.forEach((p, i) => checkSamples('concatSamples', `parts[${i}]`, p, undefined, true));
  const dim = parts[0]!.dim;
  let n = 0;
  for (const p of parts) {
    if (p.dim !== dim) throw new Error(`concatSamples: every part must have dim ${dim}, got ${p.dim}`);
    n += p.n;
  }
  const data = new Float64Array(n * dim);
  let o = 0;
  for (const p of parts) {
    data.set(p.data, o);
    o += p.data.length;
  }
  return { n, dim, data };
}
