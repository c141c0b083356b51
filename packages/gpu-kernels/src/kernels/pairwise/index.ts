import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { invalidArgument, toFloatTensor, withOwned } from '../../validate/index';
import { pairwiseCpu } from './cpu';
import { pairwiseWebGPU } from './webgpu';

const SQ = 'LemmaPairwiseSqDist';
const IP = 'LemmaInnerProduct';
registerOp(SQ, { webgpu: pairwiseWebGPU('sqdist'), cpu: pairwiseCpu('sqdist') });
registerOp(IP, { webgpu: pairwiseWebGPU('inner'), cpu: pairwiseCpu('inner') });

// d/dx Σ_ij dy_ij |x_i − y_j|² = 2 (rowsum(dy) ⊙ x − dy·y); symmetric for y with dyᵀ.
tf.registerGradient({
  kernelName: SQ,
  inputsToSave: ['x', 'y'],
  gradFunc: (dy, saved) => {
    const [x, y] = saved as [tf.Tensor, tf.Tensor];
    const g = dy as tf.Tensor;
    return {
      x: () => tf.mul(2, tf.sub(tf.mul(tf.sum(g, -1, true), x), tf.matMul(g, y))),
      y: () => tf.mul(2, tf.sub(tf.mul(tf.expandDims(tf.sum(g, -2), -1), y), tf.matMul(g, x, true, false))),
    };
  },
});
tf.registerGradient({
  kernelName: IP,
  inputsToSave: ['x', 'y'],
  gradFunc: (dy, saved) => {
    const [x, y] = saved as [tf.Tensor, tf.Tensor];
    const g = dy as tf.Tensor;
    return { x: () => tf.matMul(g, y), y: () => tf.matMul(g, x, true, false) };
  },
});

function run(op: string, kernel: string, xIn: tf.Tensor | tf.TensorLike, yIn: tf.Tensor | tf.TensorLike): tf.Tensor {
  return withOwned((own) => {
    const x = own(toFloatTensor(op, 'x', xIn), xIn);
    const y = own(toFloatTensor(op, 'y', yIn), yIn);
    if (x.rank < 2) throw invalidArgument(op, 'x', 'a tensor of rank >= 2 ([..., n, d])', x);
    if (y.rank !== x.rank) throw invalidArgument(op, 'y', `a tensor of rank ${x.rank} (that of x)`, y);
    const r = x.rank;
    if (x.shape[r - 1] !== y.shape[r - 1]) throw invalidArgument(op, 'y', `a tensor with ${x.shape[r - 1]} features (last dim of x)`, y);
    for (let i = 0; i < r - 2; i++) {
      if (x.shape[i] !== y.shape[i]) throw invalidArgument(op, 'y', `a tensor with the batch dims of x [${x.shape.slice(0, r - 2).join(', ')}]`, y);
    }
    return tf.engine().runKernel(kernel, { x, y }) as tf.Tensor;
  });
}

/**
 * Batched pairwise squared Euclidean distances: x [..., n, d], y [..., m, d] → [..., n, m] with
 * out[..., i, j] = Σ_k (x_ik − y_jk)². Summed directly (no ‖x‖² + ‖y‖² − 2x·y cancellation), so
 * near-duplicate points give near-zero distances. Differentiable. NaN/Inf propagate (not checked on the device).
 *
 * @example
 * const C = pairwiseSqDist(tf.randomNormal([512, 2]), tf.randomNormal([256, 2])); // [512, 256]
 */
export function pairwiseSqDist(x: tf.Tensor | tf.TensorLike, y: tf.Tensor | tf.TensorLike): tf.Tensor {
  return run('pairwiseSqDist', SQ, x, y);
}

/**
 * Batched inner products: x [..., n, d], y [..., m, d] → [..., n, m] = x·yᵀ (e.g. a weight-matching
 * cost). Differentiable. NaN/Inf propagate.
 */
export function innerProduct(x: tf.Tensor | tf.TensorLike, y: tf.Tensor | tf.TensorLike): tf.Tensor {
  return run('innerProduct', IP, x, y);
}
