import * as tf from '@tensorflow/tfjs-core';
import { randomNormal, randomUniform } from '../kernels/random/index';
import { expectInteger, expectSeed, invalidArgument } from '../validate';

/** How a K-model weight is initialised. */
export type KInit =
  /** PyTorch's `nn.Linear` / `nn.Conv2d` default: U(-1/sqrt(fanIn), 1/sqrt(fanIn)) for weights and biases. */
  | 'torch'
  /** He (Kaiming) normal N(0, 2/fanIn) weights, zero biases. */
  | 'he-normal';

/** Throws unless `K` is a positive integer and `seeds` holds K seeds (safe non-negative integers). */
export function validateK(op: string, K: number, seeds: readonly number[]): void {
  expectInteger(op, 'K', K, { min: 1 });
  if (!Array.isArray(seeds) || seeds.length !== K) throw invalidArgument(op, 'seeds', `an array of K = ${K} seeds (one per model)`, seeds, 'type');
  seeds.forEach((s, k) => expectSeed(op, `seeds[${k}]`, s));
}

/**
 * A [K, ...shape] float32 variable whose slice k is drawn from model k's own Philox stream: seed `seeds[k]`,
 * stream `stream`. Slice k is therefore the tensor a single model (K = 1) with seed `seeds[k]` would draw.
 * Uniform in (-bound, bound) for `dist: 'uniform'`, N(0, bound²) for `dist: 'normal'`, zeros for `bound = 0`.
 */
export function kRandomVariable(
  seeds: readonly number[],
  shape: readonly number[],
  stream: number,
  dist: 'uniform' | 'normal',
  bound: number,
): tf.Variable {
  const K = seeds.length;
  const value = tf.tidy(() => {
    if (bound === 0) return tf.zeros([K, ...shape]);
    const slices = seeds.map((seed) => {
      const r = dist === 'uniform' ? tf.sub(tf.mul(randomUniform([...shape], seed, { stream }), 2), 1) : randomNormal([...shape], seed, { stream });
      return tf.mul(r, bound);
    });
    return tf.stack(slices);
  });
  const v = tf.variable(value, true);
  value.dispose();
  return v;
}

/** Initial (weight, bias) of a layer with fan-in `fanIn` under `init`; streams `2l` (weight) and `2l + 1` (bias). */
export function kLayerVariables(
  seeds: readonly number[],
  layer: number,
  wShape: readonly number[],
  bShape: readonly number[],
  fanIn: number,
  init: KInit,
): { w: tf.Variable; b: tf.Variable } {
  if (init === 'torch') {
    const bound = 1 / Math.sqrt(fanIn);
    return { w: kRandomVariable(seeds, wShape, 2 * layer, 'uniform', bound), b: kRandomVariable(seeds, bShape, 2 * layer + 1, 'uniform', bound) };
  }
  return { w: kRandomVariable(seeds, wShape, 2 * layer, 'normal', Math.sqrt(2 / fanIn)), b: kRandomVariable(seeds, bShape, 2 * layer + 1, 'uniform', 0) };
}

/** Throws unless `init` is a known {@link KInit}. */
export function validateInit(op: string, init: unknown): asserts init is KInit {
  if (init !== 'torch' && init !== 'he-normal') throw new Error(`${op}: init must be 'torch' or 'he-normal', got ${String(init)}`);
}

/**
 * Model k's slice of every K-model parameter: `tensors[i]` becomes `tensors[i][k]` (a new tensor the caller owns),
 * e.g. to hand one trained network to neuron matching or to evaluate it alone.
 */
export function kSliceModel(tensors: readonly tf.Tensor[], k: number): tf.Tensor[] {
  if (tensors.length === 0) return [];
  const K = tensors[0]!.shape[0]!;
  if (!Number.isInteger(k) || k < 0 || k >= K) throw new Error(`kSliceModel: k must be an integer in [0, ${K}), got ${k}`);
  return tensors.map((t, i) => {
    if (t.shape[0] !== K) throw new Error(`kSliceModel: tensors[${i}] must have leading model axis K = ${K}, got shape [${t.shape.join(', ')}]`);
    return tf.tidy(() => tf.squeeze(tf.slice(t, [k], [1]), [0]));
  });
}
