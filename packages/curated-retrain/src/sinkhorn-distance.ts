/**
 * Entropic OT distance between two point sets on the active tfjs backend: gpu-kernels' `pairwiseSqDist` for the
 * cost and @lemma/ot-matching's `sinkhorn` (the one Sinkhorn solver) for the plan, float32 on the device.
 */
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSqDist } from '@lemma/gpu-kernels';
import { sinkhorn } from '@lemma/ot-matching';
import { describeType, expectInteger, expectNumber, expectOptions } from '@lemma/gpu-kernels/validate';
import { checkSamples, type Samples } from './samples';

/** ot-matching's sinkhorn iteration cap (its MAX_SINKHORN_ITERATIONS), checked here so the error names this function. */
const MAX_SINKHORN_ITERATIONS = 10_000_000;

/** Options of {@link sinkhornDistance}. */
export interface SinkhornDistanceOptions {
  /** Entropic regularisation ε in squared data units (keep it fixed across calls you want to compare). */
  eps: number;
  /** Sinkhorn iterations (default 200). */
  iterations?: number;
}

/**
 * sqrt(⟨P, C⟩) for the entropic OT plan P between uniform measures on `a` and `b` with squared Euclidean cost C
 * (Cuturi 2013, log domain). Tends to W2 as ε -> 0. Cost O(n·m) memory: subsample large sets first.
 *
 * Runs exactly `iterations` Sinkhorn iterations at ε from zero potentials (ot-matching's `sinkhorn` with no
 * ε-scaling and one convergence check, after the last iteration); ⟨P, C⟩ is its float64 `transportCost`.
 *
 * @example
 * const d = await sinkhornDistance(samples, realData, { eps: 0.05 });
 */
export async function sinkhornDistance(a: Samples, b: Samples, options: SinkhornDistanceOptions): Promise<number> {
  const fn = 'sinkhornDistance';
  checkSamples(fn, 'a', a);
  checkSamples(fn, 'b', b);
  expectOptions(fn, 'options', options, ['eps', 'iterations'], { required: true, describe: describeType });
  if (a.dim !== b.dim) throw new Error(`${fn}: a and b must have the same dim, got ${a.dim} and ${b.dim}`);
  if (a.n === 0 || b.n === 0) throw new Error(`${fn}: a and b must be non-empty, got n = ${a.n} and ${b.n}`);
  const eps = expectNumber(fn, 'eps', options.eps, { min: 0, exclusiveMin: true, describe: describeType });
  const iters = expectInteger(fn, 'iterations', options.iterations ?? 200, { min: 1, max: MAX_SINKHORN_ITERATIONS, expected: `an integer in [1, ${MAX_SINKHORN_ITERATIONS}] (ot-matching's sinkhorn cap)`, describe: describeType });
  const owned: tf.Tensor[] = [];
  try {
    const X = tf.tensor2d(Float32Array.from(a.data), [a.n, a.dim]);
    owned.push(X);
    const Y = tf.tensor2d(Float32Array.from(b.data), [b.n, b.dim]);
    owned.push(Y);
    const C = pairwiseSqDist(X, Y) as tf.Tensor2D;
    owned.push(C);
    const wa = new Float32Array(a.n).fill(1 / a.n);
    const wb = new Float32Array(b.n).fill(1 / b.n);
    // A fixed iteration count: checked once, after the last iteration (the threshold only sets `converged`).
    const r = await sinkhorn(wa, wb, C, eps, { epsilonScaling: false, maxIterations: iters, checkEvery: iters, warn: false });
    owned.push(r.f, r.g, ...(r.plan ? [r.plan] : []));
    return Math.sqrt(Math.max(0, r.transportCost));
  } finally {
    // Also on a failure half-way (e.g. a lost device): every tensor made here goes.
    tf.dispose(owned);
  }
}
