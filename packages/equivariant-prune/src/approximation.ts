/** Measured sup-error estimates and the certified bounds of the layer lemma (unnumbered in the notes) and the telescoping theorem. */
import { createRng } from '@lemma/gpu-kernels';
import { expectFiniteArray, expectInteger, expectNumber, expectSeed } from '@lemma/gpu-kernels/validate';
import { networkForwardF64, networkVjpF64 } from './forward-f64';
import { type EquivariantNetwork, checkNetwork, inputSize, outputSize } from './network';
import { MAX_DENSE_ENTRIES } from './sparse';

/** Summary of ‖f(x) - g(x)‖_2 over sampled unit inputs. */
export interface SupErrorEstimate {
  /** Largest error seen: a lower estimate of sup_{‖x‖<=1} ‖f(x) - g(x)‖. */
  max: number;
  /** Median error over the samples. */
  median: number;
  /** Number of unit vectors tried. */
  samples: number;
}

/** Seeded Gaussian directions normalised to unit length, row-major (count x dim). */
export function randomUnitVectors(count: number, dim: number, seed: number): Float64Array {
  expectInteger('randomUnitVectors', 'count', count);
  // dim 0 has no unit vectors (normalising would divide 0 by 0).
  expectInteger('randomUnitVectors', 'dim', dim, { min: 1 });
  if (count * dim > MAX_DENSE_ENTRIES) throw new RangeError(`randomUnitVectors: count·dim must be <= ${MAX_DENSE_ENTRIES}, got ${count}·${dim}`);
  expectSeed('randomUnitVectors', 'seed', seed);
  const rng = createRng(seed, 3);
  const x = rng.normalArray(count * dim);
  for (let r = 0; r < count; r++) {
    let s = 0;
    for (let i = 0; i < dim; i++) s += x[r * dim + i]! ** 2;
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < dim; i++) x[r * dim + i]! *= inv;
  }
  return x;
}

/** Largest `samples` of {@link estimateSupError}. */
const MAX_SUP_SAMPLES = 1 << 20;

/** Options of {@link estimateSupError}. */
export interface SupErrorOptions {
  /**
   * Ascent steps from the best random probes (default 0: probes only). In high dimension a random direction sees
   * about ‖ΔW‖_F / sqrt(d) rather than ‖ΔW‖_op, so probes alone hide how the error grows with the width.
   */
  ascentSteps?: number;
  /** How many of the best probes to ascend from (default 4). */
  ascentStarts?: number;
}

/**
 * Estimates sup_{‖x‖_2 <= 1} ‖f(x) - g(x)‖_2 for two networks with the same input and output widths by
 * evaluating both (float64) on `samples` random unit vectors, then (with `ascentSteps`) by projected ascent
 * of ‖f - g‖ on the unit sphere from the best probes: x <- normalize(Jᵀ r) with r = f(x) - g(x), the power step
 * of the current linear piece for bias-free ReLU networks, falling back to shorter steps x + t·Jᵀr when it does not
 * improve. Every point evaluated is a unit vector, so `max` stays a lower estimate of the sup.
 */
export function estimateSupError(f: EquivariantNetwork, g: EquivariantNetwork, samples = 256, seed = 0, options: SupErrorOptions = {}): SupErrorEstimate {
  // The approximation metric of Pensia et al., restated in Natale et al. Thm 5 [C]; the paper's own number is unread.
  checkNetwork('estimateSupError: f', f);
  checkNetwork('estimateSupError: g', g);
  if (options === null || typeof options !== 'object') throw new TypeError(`estimateSupError: options must be an options object, got ${String(options)}`);
  for (const key of Object.keys(options)) {
    if (key !== 'ascentSteps' && key !== 'ascentStarts') throw new Error(`estimateSupError: unknown option '${key}'`);
  }
  const steps = options.ascentSteps ?? 0;
  const starts = options.ascentStarts ?? 4;
  if (!Number.isInteger(steps) || steps < 0 || steps > 10_000) throw new Error(`estimateSupError: options.ascentSteps must be an integer in [0, 10000], got ${steps}`);
  if (!Number.isInteger(starts) || starts < 1) throw new Error(`estimateSupError: options.ascentStarts must be a positive integer, got ${starts}`);
  expectInteger('estimateSupError', 'samples', samples, { min: 1, max: MAX_SUP_SAMPLES });
  expectSeed('estimateSupError', 'seed', seed);
  const d = inputSize(f);
  if (inputSize(g) !== d || outputSize(g) !== outputSize(f)) {
    throw new Error(`estimateSupError: f and g must have the same widths, got ${d} -> ${outputSize(f)} and ${inputSize(g)} -> ${outputSize(g)}`);
  }
  const x = randomUnitVectors(samples, d, seed);
  const fx = networkForwardF64(f, x, samples);
  const gx = networkForwardF64(g, x, samples);
  const dOut = outputSize(f);
  const errs = new Float64Array(samples);
  for (let r = 0; r < samples; r++) {
    let s = 0;
    for (let i = 0; i < dOut; i++) s += (fx[r * dOut + i]! - gx[r * dOut + i]!) ** 2;
    errs[r] = Math.sqrt(s);
  }
  const order = Array.from(errs.keys()).sort((a, b) => errs[b]! - errs[a]!);
  let best = errs[order[0]!]!;
  if (steps > 0) best = Math.max(best, ascend(f, g, order.slice(0, Math.min(starts, samples)).map((r) => x.slice(r * d, (r + 1) * d)), steps));
  errs.sort();
  return { max: best, median: errs[Math.floor(samples / 2)]!, samples };
}

function diffNorm(f: EquivariantNetwork, g: EquivariantNetwork, x: Float64Array): { err: number; r: Float64Array } {
  const r = networkForwardF64(f, x, 1);
  const gx = networkForwardF64(g, x, 1);
  let s = 0;
  for (let i = 0; i < r.length; i++) {
    r[i]! -= gx[i]!;
    s += r[i]! * r[i]!;
  }
  return { err: Math.sqrt(s), r };
}

function normalized(v: Float64Array): Float64Array | undefined {
  let s = 0;
  for (const t of v) s += t * t;
  if (!(s > 0) || !Number.isFinite(s)) return undefined;
  const inv = 1 / Math.sqrt(s);
  return v.map((t) => t * inv);
}

/** Projected ascent of ‖f(x) - g(x)‖ over unit x from each start; returns the largest error evaluated. */
function ascend(f: EquivariantNetwork, g: EquivariantNetwork, starts: Float64Array[], steps: number): number {
  let best = 0;
  for (const x0 of starts) {
    let x = x0;
    let cur = diffNorm(f, g, x);
    best = Math.max(best, cur.err);
    for (let s = 0; s < steps; s++) {
      const jf = networkVjpF64(f, x, 1, cur.r);
      const jg = networkVjpF64(g, x, 1, cur.r);
      const grad = jf.map((v, i) => v - jg[i]!);
      const dir = normalized(grad);
      if (!dir) break;
      let moved = false;
      // t = Infinity is the power step normalize(Jᵀ r); then shorter steps along the gradient.
      for (const t of [Infinity, 0.5, 0.1, 0.02]) {
        const cand = normalized(t === Infinity ? dir : x.map((v, i) => v + t * dir[i]!));
        if (!cand) continue;
        const c = diffNorm(f, g, cand);
        if (c.err > cur.err * (1 + 1e-12)) {
          x = cand;
          cur = c;
          moved = true;
          break;
        }
      }
      best = Math.max(best, cur.err);
      if (!moved) break;
    }
  }
  return best;
}

/**
 * Telescoping bound (Thm 1's induction): if every target layer has ‖W_i‖_op <= 1 and block i satisfies
 * ‖g_i(u) - W_i u‖ <= delta_i ‖u‖, then sup_{‖x‖<=1} ‖f(x) - g(x)‖ <= prod_i (1 + delta_i) - 1.
 */
export function telescopingBound(deltas: readonly number[]): number {
  expectFiniteArray('telescopingBound', 'deltas', deltas);
  deltas.forEach((d, i) => expectNumber('telescopingBound', `deltas[${i}]`, d, { min: 0 }));
  // 'main_approx_network' = the layer lemma applied ℓ times (Reproducibility Statement [C]; taken as Thm 1); telescoping: Pensia's [C].
  return deltas.reduce((p, d) => p * (1 + d), 1) - 1;
}
