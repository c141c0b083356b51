import type * as tf from '@tensorflow/tfjs-core';
import { runKernel } from '../_shared/kernel';
import { op } from '../_shared/op';
import { registerOp } from '../_shared/register';
import { expectOptions, expectSeed, expectShape, expectStream, invalidArgument } from '../../validate/index';
import { randomCpu } from './cpu';
import { PHILOX_RANDOM } from './kernel';
import type { RandomDistribution } from './kernel';
import { randomWebGPU } from './webgpu';

export type { RandomDistribution } from './kernel';

registerOp(PHILOX_RANDOM, { webgpu: randomWebGPU, cpu: randomCpu });

/** Options of the random tensor functions. */
export interface RandomOptions {
  /** Philox stream (counter word 1); different streams of one seed are independent. Default 0. */
  stream?: number;
}

function random(name: string, dist: RandomDistribution, shape: number[], seed: number, opts: RandomOptions): tf.Tensor {
  expectShape(name, 'shape', shape);
  expectSeed(name, 'seed', seed);
  const o = expectOptions(name, 'opts', opts, ['stream']);
  const stream = expectStream(name, 'opts.stream', o.stream ?? 0);
  const n = shape.reduce((a, b) => a * b, 1);
  if (n >= 2 ** 34) throw invalidArgument(name, 'shape', `a shape of fewer than 2^34 elements (got ${n})`, shape);
  return op(name, {}, () => runKernel(PHILOX_RANDOM, {}, { shape: [...shape], seed, stream, dist }));
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
