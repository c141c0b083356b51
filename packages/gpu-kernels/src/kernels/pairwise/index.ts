import * as tf from '@tensorflow/tfjs-core';
import { runKernel } from '../_shared/kernel';
import type { KernelDef, NoAttrs } from '../_shared/kernel';
import { op } from '../_shared/op';
import type { TensorInput } from '../_shared/op';
import { registerOp, registerOpGradient } from '../_shared/register';
import { invalidArgument } from '../../validate/index';
import { pairwiseCpu } from './cpu';
import { INNER_PRODUCT, PAIRWISE_SQDIST } from './kernel';
import type { PairwiseInputs } from './kernel';
import { pairwiseWebGPU } from './webgpu';

registerOp(PAIRWISE_SQDIST, { webgpu: pairwiseWebGPU('sqdist'), cpu: pairwiseCpu('sqdist') });
registerOp(INNER_PRODUCT, { webgpu: pairwiseWebGPU('inner'), cpu: pairwiseCpu('inner') });

// d/dx Σ_ij dy_ij |x_i − y_j|² = 2 (rowsum(dy) ⊙ x − dy·y); symmetric for y with dyᵀ.
registerOpGradient(PAIRWISE_SQDIST, {
  inputsToSave: ['x', 'y'],
  gradFunc: (dy, [x, y]) => ({
    x: () => tf.mul(2, tf.sub(tf.mul(tf.sum(dy, -1, true), x!), tf.matMul(dy, y!))),
    y: () => tf.mul(2, tf.sub(tf.mul(tf.expandDims(tf.sum(dy, -2), -1), y!), tf.matMul(dy, x!, true, false))),
  }),
});
registerOpGradient(INNER_PRODUCT, {
  inputsToSave: ['x', 'y'],
  gradFunc: (dy, [x, y]) => ({ x: () => tf.matMul(dy, y!), y: () => tf.matMul(dy, x!, true, false) }),
});

function pairwise(name: string, kernel: KernelDef<PairwiseInputs, NoAttrs>, xIn: TensorInput, yIn: TensorInput): tf.Tensor {
  return op(name, { x: xIn, y: yIn }, ({ x, y }) => {
    if (x.rank < 2) throw invalidArgument(name, 'x', 'a tensor of rank >= 2 ([..., n, d])', x);
    if (y.rank !== x.rank) throw invalidArgument(name, 'y', `a tensor of rank ${x.rank} (that of x)`, y);
    const r = x.rank;
    if (x.shape[r - 1] !== y.shape[r - 1]) throw invalidArgument(name, 'y', `a tensor with ${x.shape[r - 1]} features (last dim of x)`, y);
    for (let i = 0; i < r - 2; i++) {
      if (x.shape[i] !== y.shape[i]) throw invalidArgument(name, 'y', `a tensor with the batch dims of x [${x.shape.slice(0, r - 2).join(', ')}]`, y);
    }
    return runKernel(kernel, { x, y }, {});
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
export function pairwiseSqDist(x: TensorInput, y: TensorInput): tf.Tensor {
  return pairwise('pairwiseSqDist', PAIRWISE_SQDIST, x, y);
}

/**
 * Batched inner products: x [..., n, d], y [..., m, d] → [..., n, m] = x·yᵀ (e.g. a weight-matching
 * cost). Differentiable. NaN/Inf propagate.
 */
export function innerProduct(x: TensorInput, y: TensorInput): tf.Tensor {
  return pairwise('innerProduct', INNER_PRODUCT, x, y);
}
