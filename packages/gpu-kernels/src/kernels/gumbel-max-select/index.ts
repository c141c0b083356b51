import type * as tf from '@tensorflow/tfjs-core';
import { runKernel } from '../_shared/kernel';
import { op } from '../_shared/op';
import type { TensorInput } from '../_shared/op';
import { registerOp } from '../_shared/register';
import { expectOptions, expectRank, expectSeed, expectStream, invalidArgument } from '../../validate/index';
import { gumbelMaxCpu } from './cpu';
import { GUMBEL_MAX_SELECT } from './kernel';
import { gumbelMaxWebGPU } from './webgpu';

registerOp(GUMBEL_MAX_SELECT, { webgpu: gumbelMaxWebGPU, cpu: gumbelMaxCpu });

/** Options of {@link gumbelMaxSelect}. */
export interface GumbelMaxOptions {
  /** Philox stream of the Gumbel noise. Default 0. */
  stream?: number;
}

/**
 * Grouped Gumbel-max selection: for each row g of `scores` [G, K] returns the index k maximising
 * scores[g,k] + Gumbel noise, i.e. a draw from softmax(scores[g,:]), as int32 [G]. The noise is element
 * g·K + k of `randomGumbel([G, K], seed)`, so results are reproducible and agree across backends (except on
 * near-ties within a few float32 ulps). Scores must be finite (-Infinity is not a supported mask value:
 * use a large negative number).
 *
 * @example
 * const pick = gumbelMaxSelect(tf.tensor2d([[0, 1, 2], [5, 0, 0]]), 7); // int32 [2]
 */
export function gumbelMaxSelect(scores: TensorInput, seed: number, opts: GumbelMaxOptions = {}): tf.Tensor {
  const name = 'gumbelMaxSelect';
  expectSeed(name, 'seed', seed);
  const o = expectOptions(name, 'opts', opts, ['stream']);
  const stream = expectStream(name, 'opts.stream', o.stream ?? 0);
  return op(name, { scores }, ({ scores: s }) => {
    expectRank(name, 'scores', s, 2);
    if (s.shape[1] === 0) throw invalidArgument(name, 'scores', 'a [groups, candidates] tensor with at least one candidate', s);
    return runKernel(GUMBEL_MAX_SELECT, { scores: s }, { seed, stream });
  });
}
