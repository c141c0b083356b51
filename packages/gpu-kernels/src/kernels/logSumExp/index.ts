import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { expectRank, toFloatTensor } from '../_shared/validate';
import { logSumExpCpu } from './cpu';
import { logSumExpWebGPU } from './webgpu';

const KERNEL = 'LemmaLogSumExp';
registerOp(KERNEL, { webgpu: logSumExpWebGPU, cpu: logSumExpCpu });

// d LSE / d x = softmax along the reduced axis.
tf.registerGradient({
  kernelName: KERNEL,
  inputsToSave: ['x'],
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [x, lse] = saved as [tf.Tensor, tf.Tensor];
    const axis = (attrs as { axis: number }).axis;
    return { x: () => tf.mul(tf.expandDims(dy as tf.Tensor, axis), tf.exp(tf.sub(x, tf.expandDims(lse, axis)))) };
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
  const t = toFloatTensor(x, 'logSumExp', 'x');
  expectRank(t, 2, 'logSumExp', 'x');
  const a = opts.axis ?? 1;
  if (a !== 0 && a !== 1 && a !== -1) throw new Error(`logSumExp: axis must be 0, 1 or -1, got ${String(a)}`);
  const axis = a === 0 ? 0 : 1;
  const reduced = axis === 1 ? t.shape[1] : t.shape[0];
  if (reduced === 0) throw new Error(`logSumExp: the reduced axis ${axis} must be non-empty, got shape [${t.shape.join(', ')}]`);
  const out = tf.engine().runKernel(KERNEL, { x: t }, { axis } as unknown as tf.NamedAttrMap) as tf.Tensor;
  if (t !== x) t.dispose();
  return out;
}
