/** Measured sup-error estimates and the certified bounds of the layer lemma and the telescoping theorem. */
import { createRng } from '@lemma/gpu-kernels';
import { type EquivariantNetwork, inputSize, networkForwardF64, outputSize } from './network';

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

/**
 * Estimates sup_{‖x‖_2 <= 1} ‖f(x) - g(x)‖_2 for two networks with the same input and output widths by
 * evaluating both (float64) on `samples` random unit vectors. Random directions under-estimate the sup.
 */
export function estimateSupError(f: EquivariantNetwork, g: EquivariantNetwork, samples = 256, seed = 0): SupErrorEstimate {
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
  errs.sort();
  return { max: errs[samples - 1]!, median: errs[Math.floor(samples / 2)]!, samples };
}

/**
 * Telescoping bound (Thm 1's induction): if every target layer has ‖W_i‖_op <= 1 and block i satisfies
 * ‖g_i(u) - W_i u‖ <= delta_i ‖u‖, then sup_{‖x‖<=1} ‖f(x) - g(x)‖ <= prod_i (1 + delta_i) - 1.
 */
export function telescopingBound(deltas: readonly number[]): number {
  return deltas.reduce((p, d) => p * (1 + d), 1) - 1;
}
