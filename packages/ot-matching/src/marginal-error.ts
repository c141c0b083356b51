import * as tf from '@tensorflow/tfjs-core';

/**
 * L1 marginal error of a log-domain Sinkhorn iterate from two consecutive potentials of one side (never forming P):
 * the marginal of P(·, p_prev) on that side is w ⊙ exp((p_prev − p_next)/ε), so its L1 distance to w (w ≥ 0) is
 * Σ_i w_i |expm1((p_prev_i − p_next_i)/ε)|. The one formula of the materialised and the point-cloud solvers.
 */
export function stepMarginalError(w: tf.Tensor, prev: tf.Tensor, next: tf.Tensor, eps: number): tf.Scalar {
  return tf.tidy(() => tf.sum(tf.mul(w, tf.abs(tf.expm1(tf.div(tf.sub(prev, next), eps))))));
}
