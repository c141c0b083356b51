import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { expectOptions, expectRank, expectSeed, expectStream, invalidArgument, toFloatTensor, withOwned } from '../../validate/index';
import { gumbelMaxCpu } from './cpu';
import { gumbelMaxWebGPU } from './webgpu';

const KERNEL = 'LemmaGumbelMaxSelect';
registerOp(KERNEL, { webgpu: gumbelMaxWebGPU, cpu: gumbelMaxCpu });

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
export function gumbelMaxSelect(scores: tf.Tensor | tf.TensorLike, seed: number, opts: GumbelMaxOptions = {}): tf.Tensor {
  expectSeed('gumbelMaxSelect', 'seed', seed);
  const o = expectOptions('gumbelMaxSelect', 'opts', opts, ['stream']);
  const stream = expectStream('gumbelMaxSelect', 'opts.stream', o.stream ?? 0);
  return withOwned((own) => {
    const s = own(toFloatTensor('gumbelMaxSelect', 'scores', scores), scores);
    expectRank('gumbelMaxSelect', 'scores', s, 2);
    if (s.shape[1] === 0) throw invalidArgument('gumbelMaxSelect', 'scores', 'a [groups, candidates] tensor with at least one candidate', s);
    return tf.engine().runKernel(KERNEL, { scores: s }, { seed, stream } as unknown as tf.NamedAttrMap) as tf.Tensor;
  });
}
