/**
 * Global-norm clipping per model for K models trained together (`learningRateScale`): every gradient has a
 * leading model axis of size K, and slice k of every gradient is clipped by model k's own global norm, exactly as
 * a separate optimizer with the same `clipNorm` would clip model k alone.
 */
import * as tf from '@tensorflow/tfjs-core';
import { gradClipFactorOp } from '@lemma/gpu-kernels';
import { expectInteger, expectPositive, expectTensor, invalidArgument } from '@lemma/gpu-kernels/validate';

/**
 * Clips each of K models by its own global L2 norm. For model k,
 * norm_k = sqrt(Σ over every gradient of Σ over slice k of g²) and
 * factor_k = min(1, clipNorm / (norm_k + 1e-6)) (gpu-kernels' `gradClipFactorOp`, per model), and slice k of every
 * gradient is multiplied by factor_k. torch.nn.utils.clip_grad_norm_'s form; no paper equation.
 *
 * Non-finite gradients stay non-finite, so a step guard downstream still sees them: a model whose squared sum is
 * not finite (a NaN/±Inf entry, or a float32 overflow of Σ g², |g| ≳ 1e19) gets factor NaN, which makes its whole
 * slice NaN in every gradient.
 *
 * Pure tfjs ops in float32 on the active backend (no read-back, no branch on values), so it runs on every backend
 * and inside a captured webgpu step graph. Returns new tensors (the caller disposes them); the inputs are not
 * modified and every intermediate is freed.
 *
 * @param grads Gradients, each of shape [K, ...] (float32).
 * @param models K, the number of models (the first dimension of every gradient).
 * @param clipNorm The global-norm bound of each model (> 0).
 * @returns The clipped gradients, in the order and shapes of `grads`.
 *
 * @example
 * const [gW, gB] = clipPerModel([gradW, gradB], 3, 1.0); // gradW [3, 4, 5], gradB [3, 5]
 */
export function clipPerModel(grads: readonly tf.Tensor[], models: number, clipNorm: number): tf.Tensor[] {
  expectInteger('clipPerModel', 'models', models, { min: 1 });
  expectPositive('clipPerModel', 'clipNorm', clipNorm);
  for (const [i, g] of grads.entries()) {
    expectTensor('clipPerModel', `grads[${i}]`, g);
    if (g.rank === 0 || g.shape[0] !== models) throw invalidArgument('clipPerModel', `grads[${i}]`, `a tensor with first dimension ${models} (models)`, g);
  }
  if (grads.length === 0) return [];
  return tf.tidy(() => {
    // Σ g² of each model's slice of each gradient ([K] each), then over all gradients.
    const parts = grads.map((g) => tf.sum(tf.reshape(tf.square(g), [models, g.size / models]), 1));
    const sumSq = parts.length === 1 ? parts[0]! : tf.addN(parts);
    const clip = gradClipFactorOp(sumSq, clipNorm);
    const factor = tf.where(tf.isFinite(sumSq), clip, tf.fill([models], NaN));
    return grads.map((g) => tf.mul(g, tf.reshape(factor, [models, ...g.shape.slice(1).map(() => 1)])));
  });
}
