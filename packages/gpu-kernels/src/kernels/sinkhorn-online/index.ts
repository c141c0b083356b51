import * as tf from '@tensorflow/tfjs-core';
import { runKernel } from '../_shared/kernel';
import { registerOp } from '../_shared/register';
import { op } from '../_shared/op';
import { expectOneOf, expectOptions, expectPositive, invalidArgument } from '../../validate/index';
import type { SinkhornAxis } from '../sinkhorn/index';
import { sinkhornOnlineCpu } from './cpu';
import { SINKHORN_ONLINE, SINKHORN_ONLINE_MAX_DIM } from './kernel';
import type { SinkhornOnlineAttrs, SinkhornOnlineInputs } from './kernel';
import { sinkhornOnlineWebGPU } from './webgpu';

export { SINKHORN_ONLINE_MAX_DIM } from './kernel';

registerOp(SINKHORN_ONLINE, { webgpu: sinkhornOnlineWebGPU, cpu: sinkhornOnlineCpu });

// Point counts stay below 2^24 so that every flat index (point·d + coordinate, d ≤ 64) fits a u32 on the device.
const MAX_POINTS = 2 ** 24;

/** Arguments of {@link sinkhornOnlineHalfStep}: `logWeights` (KL form), `logMarginal` (absorbed form), or both. */
export interface SinkhornOnlineHalfStepArgs {
  /** Row points [n, d] (1 ≤ d ≤ 64). */
  x: tf.Tensor | tf.TensorLike;
  /** Column points [m, d], the same d as x. */
  y: tf.Tensor | tf.TensorLike;
  /** The other side's potential: g (length m) for axis 'rows', f (length n) for 'cols'. */
  potential: tf.Tensor | tf.TensorLike;
  /**
   * log of the other side's weights, the side of `potential` (log b, length m, for 'rows'; log a, length n, for
   * 'cols'), inside the LSE: the KL(P | a⊗b) potentials of @lemma/ot-matching, no conversion needed.
   */
  logWeights?: tf.Tensor | tf.TensorLike;
  /** log of this side's marginal (log a for 'rows', log b for 'cols'), outside the LSE: the absorbed potentials. */
  logMarginal?: tf.Tensor | tf.TensorLike;
  /** Entropic regularisation ε > 0 (in the units of ‖x − y‖²). */
  eps: number;
  /** 'rows' updates f, 'cols' updates g. */
  axis: SinkhornAxis;
}

/**
 * {@link sinkhornHalfStep} for the cost C_ij = ‖x_i − y_j‖² computed inside the reduction from the points, so the
 * n×m matrix is never formed (memory O((n + m)·d)). Same conventions and result as `sinkhornHalfStep({ C:
 * pairwiseSqDist(x, y), ... })`: rows: f_i = ε·logMarginal_i − ε·LSE_j(logWeights_j + (g_j − C_ij)/ε), cols
 * likewise over i (each log term 0 when absent; `logWeights` gives ot-matching's KL potentials). On WebGPU one thread keeps 1–4 x points in registers while y tiles stream through
 * workgroup memory with an online (running max) log-sum-exp; the WGSL is specialised per d. Inputs must be finite
 * (not checked on the device).
 *
 * @example
 * const x = tf.randomNormal([100000, 2]), y = tf.randomNormal([80000, 2]);
 * let g = tf.zeros([80000]);
 * const logA = tf.fill([100000], -Math.log(100000)), logB = tf.fill([80000], -Math.log(80000));
 * for (let t = 0; t < 50; t++) {
 *   const f = sinkhornOnlineHalfStep({ x, y, potential: g, logWeights: logB, eps: 0.01, axis: 'rows' });
 *   g.dispose();
 *   g = sinkhornOnlineHalfStep({ x, y, potential: f, logWeights: logA, eps: 0.01, axis: 'cols' });
 *   f.dispose();
 * }
 */
export function sinkhornOnlineHalfStep(args: SinkhornOnlineHalfStepArgs): tf.Tensor1D {
  const name = 'sinkhornOnlineHalfStep';
  expectOptions(name, 'args', args, ['x', 'y', 'potential', 'logWeights', 'logMarginal', 'eps', 'axis']);
  const axis = expectOneOf(name, 'axis', args.axis, ['rows', 'cols']);
  const eps = expectPositive(name, 'eps', args.eps);
  const { x: x0, y: y0, potential: p0, logWeights: w0, logMarginal: m0 } = args;
  return op(name, { x: x0, y: y0, potential: p0, logWeights: w0, logMarginal: m0 }, ({ x, y, potential, logWeights, logMarginal }) => {
    const points = `a 2-D tensor [points, d] with 1 to ${MAX_POINTS} points and 1 ≤ d ≤ ${SINKHORN_ONLINE_MAX_DIM}`;
    const okPoints = (t: tf.Tensor): boolean =>
      t.rank === 2 && t.shape[0]! >= 1 && t.shape[0]! <= MAX_POINTS && t.shape[1]! >= 1 && t.shape[1]! <= SINKHORN_ONLINE_MAX_DIM;
    if (!okPoints(x)) throw invalidArgument(name, 'x', points, x);
    if (!okPoints(y)) throw invalidArgument(name, 'y', points, y);
    const [n, d] = x.shape as [number, number];
    const m = y.shape[0]!;
    if (y.shape[1] !== d) throw invalidArgument(name, 'y', `a 2-D tensor [m, ${d}] (the point dimension of x)`, y);
    const rows = axis === 'rows';
    const potLen = rows ? m : n;
    const margLen = rows ? n : m;
    if (potential.rank !== 1 || potential.shape[0] !== potLen) {
      throw invalidArgument(name, 'potential', `a 1-D tensor of length ${potLen} (points of ${rows ? 'y' : 'x'})`, potential);
    }
    if (logWeights === undefined && logMarginal === undefined) {
      throw invalidArgument(name, 'logWeights', `a 1-D tensor of length ${potLen} (points of ${rows ? 'y' : 'x'}; or give logMarginal)`, undefined, 'type');
    }
    const inputs: { x: tf.Tensor; y: tf.Tensor; potential: tf.Tensor; logWeights?: tf.Tensor; logMarginal?: tf.Tensor } = { x, y, potential };
    if (logWeights !== undefined) {
      if (logWeights.rank !== 1 || logWeights.shape[0] !== potLen) {
        throw invalidArgument(name, 'logWeights', `a 1-D tensor of length ${potLen} (points of ${rows ? 'y' : 'x'})`, logWeights);
      }
      inputs.logWeights = logWeights;
    }
    if (logMarginal !== undefined) {
      if (logMarginal.rank !== 1 || logMarginal.shape[0] !== margLen) {
        throw invalidArgument(name, 'logMarginal', `a 1-D tensor of length ${margLen} (points of ${rows ? 'x' : 'y'})`, logMarginal);
      }
      inputs.logMarginal = logMarginal;
    }
    return runKernel<SinkhornOnlineInputs, SinkhornOnlineAttrs, tf.Tensor1D>(SINKHORN_ONLINE, inputs, { eps, axis });
  });
}
