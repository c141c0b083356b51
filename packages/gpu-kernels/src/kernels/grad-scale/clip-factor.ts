/**
 * The global-norm clip factor min(1, clipNorm / (‖g‖ + 1e-6)) from a sum of squares Σ g², written once for the
 * host and tfjs-op paths of `GradScaler` and for optim's per-model clip (the WGSL pass spells it in shader
 * code; `gradScaleReference` restates it on purpose, as the independent test oracle).
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectPositive, expectTensor } from '../../validate/index';

// Added to the norm so a zero gradient divides safely (the WGSL pass uses the same constant).
const GRAD_CLIP_EPSILON = 1e-6;

/** The clip factor of one sum of squares on the host: min(1, clipNorm / (√sumSq + 1e-6)). */
export function gradClipFactor(sumSq: number, clipNorm: number): number {
  return Math.min(1, clipNorm / (Math.sqrt(sumSq) + GRAD_CLIP_EPSILON));
}

/**
 * The clip factor elementwise on a tensor of sums of squares, in tfjs ops on the active backend (no read-back, so it
 * is safe inside a captured step graph); returns a new tensor of `sumSq`'s shape. A non-finite sum gives a non-finite
 * or 0 factor; callers decide what a non-finite step means.
 */
export function gradClipFactorOp(sumSq: tf.Tensor, clipNorm: number): tf.Tensor {
  expectTensor('gradClipFactorOp', 'sumSq', sumSq, 'float32');
  expectPositive('gradClipFactorOp', 'clipNorm', clipNorm);
  return tf.tidy(() => tf.minimum(1, tf.div(clipNorm, tf.add(tf.sqrt(sumSq), GRAD_CLIP_EPSILON))));
}
