import type * as tf from '@tensorflow/tfjs-core';

/**
 * L1 marginal error of a log-domain Sinkhorn iterate from two consecutive potentials of one side, never forming P
 * (KL convention; ours, from the standard log-domain update): the marginal of P(·, p_prev) on that side is w ⊙ exp((p_prev − p_next)/ε), so its
 * L1 distance to w (w > 0) is Σ_i w_i·|expm1((p_prev_i − p_next_i)/ε)|.
 *
 * The one marginal-error formula of every Sinkhorn solver in this package (the materialised and point-cloud tensor
 * solvers after reading their float32 potentials back, and `sinkhornF64`), evaluated in float64 on the host: the
 * difference of two float32 potentials is exact in float64, and the sum of many small terms does not round away.
 */
export function stepMarginalErrorF64(w: ArrayLike<number>, prev: ArrayLike<number>, next: ArrayLike<number>, eps: number): number {
  let err = 0;
  for (let i = 0; i < w.length; i++) err += w[i]! * Math.abs(Math.expm1((prev[i]! - next[i]!) / eps));
  return err;
}

/**
 * {@link stepMarginalErrorF64} of two potentials held as tensors (one read-back of both; `w` is given as host values,
 * read once by the caller).
 */
export async function stepMarginalError(w: ArrayLike<number>, prev: tf.Tensor, next: tf.Tensor, eps: number): Promise<number> {
  const [p, q] = await Promise.all([prev.data(), next.data()]);
  return stepMarginalErrorF64(w, p as Float32Array, q as Float32Array, eps);
}

/** ⟨u, a⟩ + ⟨v, b⟩ in float64 (the dual objective OT_ε = ⟨f, a⟩ + ⟨g, b⟩ of float32 potentials read back). */
export function dualObjectiveF64(f: ArrayLike<number>, a: ArrayLike<number>, g: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < f.length; i++) s += f[i]! * a[i]!;
  for (let j = 0; j < g.length; j++) s += g[j]! * b[j]!;
  return s;
}
