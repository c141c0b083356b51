import * as tf from '@tensorflow/tfjs-core';
import { toFloatTensor } from '../../validate/index';

/** A tensor argument of a public op: a tensor, or anything `tf.tensor` accepts (numbers, nested arrays, typed arrays). */
export type TensorInput = tf.Tensor | tf.TensorLike;

/** The converted form of an op's tensor arguments: each a float32 tensor (optional ones may stay undefined). */
export type OpTensors<T> = { [K in keyof T]: undefined extends T[K] ? tf.Tensor | undefined : tf.Tensor };

/**
 * Runs the body of a public op the way tfjs-core runs its own (`op()` + `convertToTensor` in tfjs-core's
 * ops/operation.ts and tensor_util_env.ts): inside a named engine scope (`<name>__op`, as tf.profile names ops),
 * with every entry of `tensors` converted to a float32 tensor by {@link toFloatTensor} (an error names the op
 * and the argument: `pairwiseSqDist: x must be ...`). Every tensor created inside the scope (converted copies,
 * intermediates) is disposed when it ends, except those the body returns, and also when the body throws, so a
 * rejected call leaves `tf.memory().numTensors` unchanged. Tensors passed in are returned unchanged by the
 * conversion and never disposed. Validate plain arguments (numbers, options) before calling `op`; tensors
 * needing another dtype or a lazy conversion can be converted inside `body` (they are tidied the same way).
 *
 * @example
 * export function pairwiseSqDist(x: TensorInput, y: TensorInput): tf.Tensor {
 *   return op('pairwiseSqDist', { x, y }, ({ x, y }) => runKernel(PAIRWISE_SQDIST, { x, y }, {}));
 * }
 */
export function op<const T extends Record<string, TensorInput | undefined>, R>(name: string, tensors: T, body: (t: OpTensors<T>) => R): R {
  return tf.tidy(name + tf.OP_SCOPE_SUFFIX, () => {
    const converted: Record<string, tf.Tensor | undefined> = {};
    for (const [arg, x] of Object.entries(tensors)) converted[arg] = x === undefined ? undefined : toFloatTensor(name, arg, x);
    // tidy's TensorContainer bound rejects interfaces (no index signature); it walks any object for tensors.
    return body(converted as OpTensors<T>) as tf.TensorContainer;
  }) as R;
}
