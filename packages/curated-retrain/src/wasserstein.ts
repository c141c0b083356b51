/**
 * STAND-IN OPTIMAL-TRANSPORT DISTANCE (self-contained on purpose).
 * `@lemma/ot-matching` was being written in parallel when this package was, so the "distance to real data" metric
 * is a sliced Wasserstein distance computed here on typed arrays: exact 1-D W_p between empirical measures of
 * different sizes (quantile functions), averaged over random directions. Swap for ot-matching's Sinkhorn when
 * an exact or entropic 2-D distance is wanted.
 */
import type { Rng } from '@lemma/gpu-kernels';
import { describeType, expectFiniteValues, expectInteger, expectNumber, expectOptions, expectRng } from '@lemma/gpu-kernels/validate';
import type { Samples } from './samples';
import { checkSamples } from './samples';

/**
 * Exact W_p^p between two 1-D empirical measures with uniform weights (sizes may differ):
 * ∫_0^1 |F^{-1}(u) - G^{-1}(u)|^p du, by merging the two quantile step functions. Inputs are sorted in place.
 */
export function wasserstein1dPow(a: Float64Array, b: Float64Array, p = 2): number {
  // A plain array would be sorted as strings by .sort() (10 before 9) and give a wrong distance without an error.
  for (const [name, v] of [['a', a], ['b', b]] as const) {
    if (!(v instanceof Float64Array)) throw new Error(`wasserstein1dPow: ${name} must be a Float64Array (it is sorted in place), got ${Array.isArray(v) ? `an array of length ${(v as unknown[]).length}` : typeof v}`);
  }
  expectFiniteValues('wasserstein1dPow', 'a', a);
  expectFiniteValues('wasserstein1dPow', 'b', b);
  expectNumber('wasserstein1dPow', 'p', p, { min: 1, describe: describeType });
  if (a.length === 0 || b.length === 0) throw new Error(`wasserstein1dPow: a and b must be non-empty, got lengths ${a.length} and ${b.length}`);
  a.sort();
  b.sort();
  let i = 0;
  let j = 0;
  let u = 0;
  let acc = 0;
  const na = a.length;
  const nb = b.length;
  while (i < na && j < nb) {
    // Next breakpoint of either quantile function; the (i, j) pair is matched on [u, next).
    const ua = (i + 1) / na;
    const ub = (j + 1) / nb;
    const next = Math.min(ua, ub);
    acc += (next - u) * Math.abs(a[i]! - b[j]!) ** p;
    u = next;
    if (ua <= next) i++;
    if (ub <= next) j++;
  }
  return acc;
}

/** Most random directions {@link slicedWasserstein} averages over. */
const MAX_PROJECTIONS = 100_000;

/** Options of {@link slicedWasserstein}. */
export interface SlicedWassersteinOptions {
  /** Random directions (default 64; ignored in 1-D, where the distance is exact). */
  projections?: number;
  /** Order p (default 2). */
  p?: number;
  /** Source of the directions; pass a fixed-seed generator to compare values across calls. */
  rng: Rng;
}

/**
 * Sliced Wasserstein-p distance (E_θ W_p^p(θ·a, θ·b))^{1/p} over uniform directions θ on the sphere (standard, Rabin et al. 2011).
 * For a translation by v it equals |v|·(E|θ_1|^p)^{1/p}, e.g. |v|/sqrt(dim) for p = 2.
 */
export function slicedWasserstein(a: Samples, b: Samples, options: SlicedWassersteinOptions): number {
  const fn = 'slicedWasserstein';
  checkSamples(fn, 'a', a);
  checkSamples(fn, 'b', b);
  expectOptions(fn, 'options', options, ['projections', 'p', 'rng'], { required: true, describe: describeType });
  expectRng(fn, 'options.rng', options.rng, { describe: describeType });
  if (a.dim !== b.dim) throw new Error(`${fn}: a and b must have the same dim, got ${a.dim} and ${b.dim}`);
  const p = expectNumber(fn, 'p', options.p ?? 2, { min: 1, describe: describeType });
  const d = a.dim;
  // The Monte Carlo error falls like 1/sqrt(L): past 1e5 directions more only adds run time.
  const L = d === 1 ? 1 : expectInteger(fn, 'projections', options.projections ?? 64, { min: 1, max: MAX_PROJECTIONS, expected: `an integer in [1, ${MAX_PROJECTIONS}] (Monte Carlo error ~ 1/sqrt(projections))`, describe: describeType });
  const pa = new Float64Array(a.n);
  const pb = new Float64Array(b.n);
  let acc = 0;
  for (let l = 0; l < L; l++) {
    const theta = d === 1 ? Float64Array.of(1) : options.rng.normalArray(d);
    let norm = 0;
    for (const v of theta) norm += v * v;
    norm = Math.sqrt(norm);
    for (let i = 0; i < a.n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a.data[i * d + k]! * theta[k]!;
      pa[i] = s / norm;
    }
    for (let i = 0; i < b.n; i++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += b.data[i * d + k]! * theta[k]!;
      pb[i] = s / norm;
    }
    acc += wasserstein1dPow(pa, pb, p);
  }
  return (acc / L) ** (1 / p);
}
