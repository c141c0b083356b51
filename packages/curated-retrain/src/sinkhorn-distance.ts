/**
 * Entropic OT distance between two point sets on the active tfjs backend, built from gpu-kernels'
 * `pairwiseSqDist` and fused log-domain Sinkhorn (`sinkhornIterations`) (float32 on the device).
 */
import * as tf from '@tensorflow/tfjs-core';
import { pairwiseSqDist, sinkhornIterations } from '@lemma/gpu-kernels';
import { checkSamples, type Samples } from './samples';
import { checkFinite, checkIntegerAtMost, checkOptions } from './validate';

/** gpu-kernels' sinkhornIterations cap, checked here so the error names this function. */
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
 * @example
 * const d = await sinkhornDistance(samples, realData, { eps: 0.05 });
 */
export async function sinkhornDistance(a: Samples, b: Samples, options: SinkhornDistanceOptions): Promise<number> {
  const fn = 'sinkhornDistance';
  checkSamples(fn, 'a', a);
  checkSamples(fn, 'b', b);
  checkOptions(fn, 'options', options, ['eps', 'iterations']);
  if (a.dim !== b.dim) throw new Error(`${fn}: a and b must have the same dim, got ${a.dim} and ${b.dim}`);
  if (a.n === 0 || b.n === 0) throw new Error(`${fn}: a and b must be non-empty, got n = ${a.n} and ${b.n}`);
  const eps = checkFinite(fn, 'eps', options.eps, { min: 0, exclusiveMin: true });
  const iters = checkIntegerAtMost(fn, 'iterations', options.iterations ?? 200, 1, MAX_SINKHORN_ITERATIONS, "gpu-kernels' sinkhornIterations cap");
  const owned: tf.Tensor[] = [];
  try {
    const X = tf.tensor2d(Float32Array.from(a.data), [a.n, a.dim]);
    owned.push(X);
    const Y = tf.tensor2d(Float32Array.from(b.data), [b.n, b.dim]);
    owned.push(Y);
    const C = pairwiseSqDist(X, Y);
    owned.push(C);
    const logA = tf.fill([a.n], -Math.log(a.n));
    owned.push(logA);
    const logB = tf.fill([b.n], -Math.log(b.n));
    owned.push(logB);
    const { f, g } = sinkhornIterations({ C, logA, logB, eps, iterations: iters });
    owned.push(f, g);
    const cost = tf.tidy(() => {
      const logP = tf.div(tf.sub(tf.add(tf.reshape(f, [a.n, 1]), tf.reshape(g, [1, b.n])), C), eps);
      return tf.sum(tf.mul(tf.exp(logP), C));
    });
    owned.push(cost);
    const v = (await cost.data())[0]!;
    return Math.sqrt(Math.max(0, v));
  } finally {
    // Also on a failure half-way (e.g. a lost device): every tensor made here goes.
    tf.dispose(owned);
  }
}
