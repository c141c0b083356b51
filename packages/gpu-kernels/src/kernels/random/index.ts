import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { expectOptions, expectSeed, expectShape, expectStream, invalidArgument } from '../../validate/index';
import { randomCpu } from './cpu';
import type { RandomDistribution } from './reference';
import { randomWebGPU } from './webgpu';

export type { RandomDistribution } from './reference';

const KERNEL = 'LemmaPhiloxRandom';
registerOp(KERNEL, { webgpu: randomWebGPU, cpu: randomCpu });

/** Options of the random tensor functions. */
export interface RandomOptions {
  /** Philox stream (counter word 1); different streams of one seed are independent. Default 0. */
  stream?: number;
}

function random(op: string, dist: RandomDistribution, shape: number[], seed: number, opts: RandomOptions): tf.Tensor {
  expectShape(op, 'shape', shape);
  expectSeed(op, 'seed', seed);
  const o = expectOptions(op, 'opts', opts, ['stream']);
  const stream = expectStream(op, 'opts.stream', o.stream ?? 0);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n >= 2 ** 34) throw invalidArgument(op, 'shape', `a shape of fewer than 2^34 elements (got ${n})`, shape);
  const attrs = { shape: [...shape], seed, stream, dist };
  return tf.engine().runKernel(KERNEL, {}, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
}

/**
 * float32 uniforms in (0, 1), identical bit for bit on every backend: element i is
 * ((w_i >>> 9) + 0.5) / 2^23 where w_i is word i%4 of Philox4x32-10(counter [i/4, stream, 0, 0], keyFromSeed(seed)),
 * i.e. `philoxWords(keyFromSeed(seed), n, stream)[i]`.
 *
 * @example
 * const u = randomUniform([2, 3], 42); // same values on webgpu, wasm and cpu
 */
export function randomUniform(shape: number[], seed: number, opts: RandomOptions = {}): tf.Tensor {
  return random('randomUniform', 'uniform', shape, seed, opts);
}

/**
 * Standard normals by Box-Muller on the uniforms of {@link randomUniform} (pairs (0,1), (2,3) of each block).
 * Equal across backends up to the last bits of log/cos/sin (a few float32 ulps).
 */
export function randomNormal(shape: number[], seed: number, opts: RandomOptions = {}): tf.Tensor {
  return random('randomNormal', 'normal', shape, seed, opts);
}

/** Standard Gumbel variables -log(-log u) of the uniforms of {@link randomUniform}; equal across backends up to a few ulps. */
export function randomGumbel(shape: number[], seed: number, opts: RandomOptions = {}): tf.Tensor {
  return random('randomGumbel', 'gumbel', shape, seed, opts);
}
