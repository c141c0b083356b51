import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { expectFinite, expectRank, toFloatTensor } from '../_shared/validate';
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
  const s = toFloatTensor(scores, 'gumbelMaxSelect', 'scores');
  expectRank(s, 2, 'gumbelMaxSelect', 'scores');
  if (s.shape[1] === 0) throw new Error(`gumbelMaxSelect: scores must have at least one candidate per group, got shape [${s.shape.join(', ')}]`);
  expectFinite(seed, 'gumbelMaxSelect', 'seed');
  const stream = opts.stream ?? 0;
  if (!Number.isInteger(stream) || stream < 0 || stream > 0xffffffff) throw new Error(`gumbelMaxSelect: stream must be an integer in [0, 2^32), got ${stream}`);
  const out = tf.engine().runKernel(KERNEL, { scores: s }, { seed, stream } as unknown as tf.NamedAttrMap) as tf.Tensor;
  if (s !== scores) s.dispose();
  return out;
}
