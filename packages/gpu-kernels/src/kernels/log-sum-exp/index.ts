import * as tf from '@tensorflow/tfjs-core';
import { runKernel } from '../_shared/kernel';
import { op } from '../_shared/op';
import { registerOp, registerOpGradient } from '../_shared/register';
import { expectOneOf, expectOptions, expectRank, invalidArgument } from '../../validate/index';
import { logSumExpCpu, sinkhornHalfStepCpu } from './cpu';
import { LOG_SUM_EXP, SINKHORN_HALF_STEP } from './kernel';
import { logSumExpWebGPU, sinkhornHalfStepWebGPU } from './webgpu';

registerOp(LOG_SUM_EXP, { webgpu: logSumExpWebGPU, cpu: logSumExpCpu });
// The half step is this reduction's Sinkhorn form; its op is `sinkhornHalfStep` (../sinkhorn/index.ts).
registerOp(SINKHORN_HALF_STEP, { webgpu: sinkhornHalfStepWebGPU, cpu: sinkhornHalfStepCpu });

// d LSE / d x = softmax along the reduced axis, from the saved input and output.
registerOpGradient(LOG_SUM_EXP, {
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, { axis }) => {
    const [x, lse] = saved as [tf.Tensor, tf.Tensor];
    return { x: () => tf.mul(tf.expandDims(dy, axis), tf.exp(tf.sub(x, tf.expandDims(lse, axis)))) };
  },
});

/** Options of {@link logSumExp}. */
export interface LogSumExpOptions {
  /** 1 or -1: one value per row ([n]); 0: one value per column ([m]). Default 1. */
  axis?: 0 | 1 | -1;
}

/**
 * Numerically stable log Σ exp of a 2-D tensor along rows or columns, one fused pass over x (an online
 * max-and-sum per thread on WebGPU). Shift invariant: LSE(x + c) = LSE(x) + c. Differentiable (the gradient is
 * the softmax). Entries must be finite (NaN/Inf propagate; -Infinity is not treated as a mask).
 *
 * @example
 * logSumExp(tf.tensor2d([[0, 0], [1000, 1000]])); // [log 2, 1000 + log 2]
 */
export function logSumExp(x: tf.Tensor | tf.TensorLike, opts: LogSumExpOptions = {}): tf.Tensor {
  const o = expectOptions('logSumExp', 'opts', opts, ['axis']);
  const a = expectOneOf('logSumExp', 'opts.axis', o.axis ?? 1, [0, 1, -1]);
  const axis = a === 0 ? 0 : 1;
  return op('logSumExp', { x }, ({ x: t }) => {
    expectRank('logSumExp', 'x', t, 2);
    const reduced = axis === 1 ? t.shape[1] : t.shape[0];
    if (reduced === 0) throw invalidArgument('logSumExp', 'x', `a tensor with a non-empty axis ${axis} (the reduced one)`, t);
    return runKernel(LOG_SUM_EXP, { x: t }, { axis });
  });
}
