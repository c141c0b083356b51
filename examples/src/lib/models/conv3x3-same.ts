/**
 * A 'same' 3x3 convolution (stride 1, NHWC input, [3, 3, cIn, cOut] filter) differentiable on every backend, for the
 * image models of the reproductions (the C4 CNN of equivariant-prune-rotmnist).
 */
import * as tf from '@tensorflow/tfjs-core';

/** The 3x3 'same' patches of x as a [n·h·w, 9c] matrix (column (u·3 + v)·c + channel). */
export function patches3x3(x: tf.Tensor4D): tf.Tensor2D {
  const [n, h, wd, c] = x.shape;
  const p = tf.pad(x, [[0, 0], [1, 1], [1, 1], [0, 0]]);
  const parts: tf.Tensor4D[] = [];
  for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) parts.push(tf.slice(p, [0, u, v, 0], [n, h, wd, c]));
  return tf.reshape(tf.concat(parts, 3), [n * h * wd, 9 * c]);
}

/**
 * 'same' 3x3 conv, differentiable on every backend: the forward and the input gradient are native
 * (Conv2D, Conv2DBackpropInput); the filter gradient, which wasm lacks (Conv2DBackpropFilter), is
 * patchesᵀ · dy.
 */
export const conv3x3Same = tf.customGrad(((x: tf.Tensor4D, w: tf.Tensor4D, save: tf.GradSaveFunc) => {
  save([x, w]);
  return {
    value: tf.conv2d(x, w, 1, 'same'),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor4D, tf.Tensor4D];
      const g = dy as tf.Tensor4D;
      const [n, h, wd, c] = xs.shape;
      const co = ws.shape[3];
      const dx = tf.conv2dTranspose(g, ws, [n, h, wd, c], 1, 'same');
      const dw = tf.reshape(tf.matMul(patches3x3(xs), tf.reshape(g, [n * h * wd, co]), true, false), [3, 3, c, co]);
      return [dx, dw];
    },
  };
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (x: tf.Tensor4D, w: tf.Tensor4D) => tf.Tensor4D;
