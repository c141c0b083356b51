import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { toFloatTensor } from '../_shared/validate';
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

function validatePair(op: string, xIn: tf.Tensor | tf.TensorLike, yIn: tf.Tensor | tf.TensorLike): [tf.Tensor, tf.Tensor] {
  const x = toFloatTensor(xIn, op, 'x');
  const y = toFloatTensor(yIn, op, 'y');
  if (x.rank < 2) throw new Error(`${op}: x must have rank >= 2 ([..., n, d]), got shape [${x.shape.join(', ')}]`);
  if (y.rank !== x.rank) throw new Error(`${op}: y must have the same rank as x (${x.rank}), got shape [${y.shape.join(', ')}]`);
  const r = x.rank;
  if (x.shape[r - 1] !== y.shape[r - 1]) {
    throw new Error(`${op}: y must have ${x.shape[r - 1]} features (last dim of x), got shape [${y.shape.join(', ')}]`);
  }
  for (let i = 0; i < r - 2; i++) {
    if (x.shape[i] !== y.shape[i]) {
      throw new Error(`${op}: batch dims of y must equal those of x [${x.shape.slice(0, r - 2).join(', ')}], got shape [${y.shape.join(', ')}]`);
    }
  }
  return [x, y];
}

function run(op: string, kernel: string, xIn: tf.Tensor | tf.TensorLike, yIn: tf.Tensor | tf.TensorLike): tf.Tensor {
  const [x, y] = validatePair(op, xIn, yIn);
  const out = tf.engine().runKernel(kernel, { x, y }) as tf.Tensor;
  if (x !== xIn) x.dispose();
  if (y !== yIn) y.dispose();
  return out;
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
