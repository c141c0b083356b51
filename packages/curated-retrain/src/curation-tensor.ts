/** The per-group Luce choice on the active tfjs backend, through gpu-kernels' grouped Gumbel-max kernel. */
import * as tf from '@tensorflow/tfjs-core';
import { gumbelMaxSelect } from '@lemma/gpu-kernels';
import { describeType, expectArrayLike, expectFiniteValues, expectInteger, expectOptions, expectSeed, expectStream } from '@lemma/gpu-kernels/validate';
import { checkBeta } from './curation-parameter-checks';

/** Options of {@link luceSelectTensor}. */
export interface LuceSelectTensorOptions {
  /** Candidates per group. */
  K: number;
  /** Choices ∝ exp(beta·r) (default 1). */
  beta?: number;
  /** Seed of the Philox Gumbel noise. */
  seed: number;
  /** Philox stream (use a fresh one per retraining iteration). Default 0. */
  stream?: number;
}

/**
 * Same operator as {@link luceSelect} (Algorithm 1's choice, P(k) ∝ e^{βr_k} within each consecutive group of K),
 * computed on the device by `gumbelMaxSelect` on a [G, K] float32 score tensor. Returns flat winner indices.
 * float32 scores: choices can differ from the float64 path only on near-ties of a few ulps.
 */
export async function luceSelectTensor(scores: tf.Tensor | ArrayLike<number>, options: LuceSelectTensorOptions): Promise<Int32Array> {
  const fn = 'luceSelectTensor';
  expectOptions(fn, 'options', options, ['K', 'beta', 'seed', 'stream'], { required: true, describe: describeType });
  const K = expectInteger(fn, 'K', options.K, { min: 1, max: Infinity, expected: 'an integer >= 1', describe: describeType });
  const beta = checkBeta(fn, options.beta ?? 1);
  const seed = expectSeed(fn, 'seed', options.seed);
  const stream = expectStream(fn, 'stream', options.stream ?? 0);
  if (scores instanceof tf.Tensor) {
    if (scores.isDisposed) throw new Error(`${fn}: scores is a disposed tensor`);
    if (scores.dtype !== 'float32') throw new Error(`${fn}: scores must be a float32 tensor, got dtype ${scores.dtype}`);
  } else {
    expectFiniteValues(fn, 'scores', expectArrayLike(fn, 'scores', scores, { describe: describeType })); // a device tensor is not read back here; NaN scores there pick arbitrarily
  }
  const size = scores instanceof tf.Tensor ? scores.size : scores.length;
  if (size === 0) throw new Error(`${fn}: scores must hold at least one group of K=${K} candidates, got 0 values`);
  if (size % K !== 0) throw new Error(`${fn}: scores must hold whole groups of K=${K} candidates, got ${size} values`);
  const G = size / K;
  const picked = tf.tidy(() => {
    const s = scores instanceof tf.Tensor ? scores : tf.tensor1d(Float32Array.from(scores as ArrayLike<number>));
    return gumbelMaxSelect(tf.mul(tf.reshape(s, [G, K]), beta), seed, { stream });
  });
  const k = await picked.data();
  picked.dispose();
  const out = new Int32Array(G);
  for (let g = 0; g < G; g++) out[g] = g * K + k[g]!;
  return out;
}
