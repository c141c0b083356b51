import * as tf from '@tensorflow/tfjs-core';
import { runKernel } from '../_shared/kernel';
import { registerOp } from '../_shared/register';
// Registers the half step's kernel (the log-sum-exp reduction's Sinkhorn form) with the plain LSE.
import '../log-sum-exp/index';
import { SINKHORN_HALF_STEP } from '../log-sum-exp/kernel';
import type { SinkhornHalfStepAttrs, SinkhornHalfStepInputs } from '../log-sum-exp/kernel';
import { expectInteger, expectOneOf, expectOptions, expectPositive, expectRank, expectTensor, invalidArgument, toFloatTensor, withOwned } from '../../validate/index';
import { isSinkhornCostF16 } from './f16';
import type { SinkhornCostF16 } from './f16';
import { sinkhornIterationsCpu } from './iterations-cpu';
import { SINKHORN_ITERATIONS } from './kernel';
import type { SinkhornConvention, SinkhornIterationsAttrs, SinkhornIterationsInputs } from './kernel';
import { sinkhornIterationsWebGPU } from './iterations-webgpu';

export { isSinkhornCostF16, packSinkhornCostF16 } from './f16';
export type { SinkhornCostF16 } from './f16';
export type { SinkhornConvention } from './kernel';

registerOp(SINKHORN_ITERATIONS, { webgpu: sinkhornIterationsWebGPU, cpu: sinkhornIterationsCpu });

/** Which dual potential a half step updates: 'rows' → f (length n), 'cols' → g (length m). */
export type SinkhornAxis = 'rows' | 'cols';

/** Arguments of {@link sinkhornHalfStep}: `logWeights` (KL form), `logMarginal` (absorbed form), or both. */
export interface SinkhornHalfStepArgs {
  /** Cost matrix [n, m]. */
  C: tf.Tensor | tf.TensorLike;
  /** The other side's potential: g (length m) for axis 'rows', f (length n) for 'cols'. */
  potential: tf.Tensor | tf.TensorLike;
  /**
   * log of the other side's weights, the side of `potential` (log b, length m, for 'rows'; log a, length n, for
   * 'cols'), added inside the LSE: the KL(P | a⊗b) form of @lemma/ot-matching, whose potentials need no
   * conversion (P_ij = a_i·b_j·exp((f_i + g_j − C_ij)/ε)).
   */
  logWeights?: tf.Tensor | tf.TensorLike;
  /**
   * log of this side's marginal (log a, length n, for 'rows'; log b, length m, for 'cols'), added outside the LSE:
   * the absorbed form, P_ij = exp((f_i + g_j − C_ij)/ε) with f_absorbed = f_kl + ε·log a.
   */
  logMarginal?: tf.Tensor | tf.TensorLike;
  /** Entropic regularisation ε > 0 (in the units of C). */
  eps: number;
  /** 'rows' updates f, 'cols' updates g. */
  axis: SinkhornAxis;
}

interface Checked {
  C: tf.Tensor;
  potential: tf.Tensor;
  logWeights?: tf.Tensor;
  logMarginal?: tf.Tensor;
}

type Own = <T extends tf.Tensor>(t: T, original: unknown) => T;

/** Validates and converts a half step's inputs; `names` are the user-facing names of potential / logMarginal. */
function check(op: string, args: SinkhornHalfStepArgs, own: Own, names = { potential: 'potential', logMarginal: 'logMarginal' }): Checked {
  expectOneOf(op, 'axis', args.axis, ['rows', 'cols']);
  expectPositive(op, 'eps', args.eps);
  const C = own(toFloatTensor(op, 'C', args.C), args.C);
  expectRank(op, 'C', C, 2);
  const [n, m] = C.shape as [number, number];
  if (n === 0 || m === 0) throw invalidArgument(op, 'C', 'a non-empty [n, m] tensor', C);
  const potential = own(toFloatTensor(op, names.potential, args.potential), args.potential);
  const rows = args.axis === 'rows';
  const potLen = rows ? m : n;
  const margLen = rows ? n : m;
  if (potential.rank !== 1 || potential.shape[0] !== potLen) {
    throw invalidArgument(op, names.potential, `a 1-D tensor of length ${potLen} (${rows ? 'columns' : 'rows'} of C)`, potential);
  }
  if (args.logWeights === undefined && args.logMarginal === undefined) {
    throw invalidArgument(op, 'logWeights', `a 1-D tensor of length ${potLen} (${rows ? 'columns' : 'rows'} of C; or give ${names.logMarginal})`, undefined, 'type');
  }
  const out: Checked = { C, potential };
  if (args.logWeights !== undefined) {
    const logWeights = own(toFloatTensor(op, 'logWeights', args.logWeights), args.logWeights);
    if (logWeights.rank !== 1 || logWeights.shape[0] !== potLen) {
      throw invalidArgument(op, 'logWeights', `a 1-D tensor of length ${potLen} (${rows ? 'columns' : 'rows'} of C)`, logWeights);
    }
    out.logWeights = logWeights;
  }
  if (args.logMarginal !== undefined) {
    const logMarginal = own(toFloatTensor(op, names.logMarginal, args.logMarginal), args.logMarginal);
    if (logMarginal.rank !== 1 || logMarginal.shape[0] !== margLen) {
      throw invalidArgument(op, names.logMarginal, `a 1-D tensor of length ${margLen} (${rows ? 'rows' : 'columns'} of C)`, logMarginal);
    }
    out.logMarginal = logMarginal;
  }
  return out;
}

/** The kernel's inputs, without the absent optional ones (tfjs's engine expects every named input to be a tensor). */
function halfStepInputs(c: Checked): { C: tf.Tensor; potential: tf.Tensor; logWeights?: tf.Tensor; logMarginal?: tf.Tensor } {
  const inputs: { C: tf.Tensor; potential: tf.Tensor; logWeights?: tf.Tensor; logMarginal?: tf.Tensor } = { C: c.C, potential: c.potential };
  if (c.logWeights) inputs.logWeights = c.logWeights;
  if (c.logMarginal) inputs.logMarginal = c.logMarginal;
  return inputs;
}

/**
 * One log-domain Sinkhorn half iteration, fused in one pass over C (ot-matching notes §5.9):
 * rows: f_i = ε·logMarginal_i − ε·LSE_j(logWeights_j + (g_j − C_ij)/ε), cols likewise over i; each log term is 0
 * when absent. With `logWeights` (log b for 'rows', log a for 'cols') these are the KL(P | a⊗b) potentials of
 * @lemma/ot-matching: f_i = −ε·LSE_j(log b_j + (g_j − C_ij)/ε), P_ij = a_i·b_j·exp((f_i + g_j − C_ij)/ε). With
 * `logMarginal` (log a for 'rows', log b for 'cols') they are the absorbed potentials f + ε·log a, P_ij =
 * exp((f_i + g_j − C_ij)/ε). Alternating 'rows' and 'cols' converges to the entropic OT plan with marginals a and
 * b. Inputs must be finite (log a_i = -Infinity for empty bins is not supported).
 *
 * @example
 * let g = tf.zeros([m]);
 * for (let t = 0; t < 100; t++) {
 *   const f = sinkhornHalfStep({ C, potential: g, logWeights: logB, eps: 0.05, axis: 'rows' });
 *   g = sinkhornHalfStep({ C, potential: f, logWeights: logA, eps: 0.05, axis: 'cols' });
 * }
 */
export function sinkhornHalfStep(args: SinkhornHalfStepArgs): tf.Tensor1D {
  expectOptions('sinkhornHalfStep', 'args', args, ['C', 'potential', 'logWeights', 'logMarginal', 'eps', 'axis']);
  return withOwned((own) => {
    const checked = check('sinkhornHalfStep', args, own);
    return runKernel<SinkhornHalfStepInputs, SinkhornHalfStepAttrs, tf.Tensor1D>(SINKHORN_HALF_STEP, halfStepInputs(checked), { eps: args.eps, axis: args.axis });
  });
}

/** Arguments of {@link sinkhornIterations}. */
export interface SinkhornIterationsArgs {
  /** Cost matrix [n, m] (float32), or one packed in half precision by {@link packSinkhornCostF16}. */
  C: tf.Tensor | SinkhornCostF16;
  /** log a, length n. */
  logA: tf.Tensor;
  /** log b, length m. */
  logB: tf.Tensor;
  /** Entropic regularisation ε > 0. */
  eps: number;
  /** Full iterations (a 'rows' then a 'cols' half step each), an integer in [1, 10^7]. */
  iterations: number;
  /** Warm-start potentials (zeros when omitted); not disposed. Only g is read: the first half step overwrites f. */
  f?: tf.Tensor;
  g?: tf.Tensor;
  /**
   * Potential convention of f, g (in and out). 'kl': the KL(P | a⊗b) potentials of @lemma/ot-matching, P_ij =
   * a_i·b_j·exp((f_i + g_j − C_ij)/ε), with log a and log b inside the LSEs (`sinkhornHalfStep`'s `logWeights`).
   * 'absorbed' (default, the original form): P_ij = exp((f_i + g_j − C_ij)/ε), f = f_kl + ε·log a.
   */
  convention?: SinkhornConvention;
}

/**
 * Runs `iterations` full log-domain Sinkhorn iterations (each the 'rows' then the 'cols' {@link sinkhornHalfStep}),
 * from a warm-start g or zeros, recorded at once: a fixed-count kernel, no stopping rule (ot-matching's `sinkhorn`
 * is the solver that calls it between its convergence checks). On WebGPU each iteration is one fused pass over C (row LSEs and
 * per-chunk column partials from the same read) plus a small column merge, written in place with bind groups made
 * once per call. With a {@link SinkhornCostF16} the pass reads half the bytes (float32 accumulation; f is returned
 * for the original C). Returns new potentials owned by the caller; the inputs are left alone.
 *
 * @example
 * const { f, g } = sinkhornIterations({ C, logA, logB, eps: 0.05, iterations: 100, convention: 'kl' });
 */
export function sinkhornIterations(args: SinkhornIterationsArgs): { f: tf.Tensor1D; g: tf.Tensor1D } {
  const op = 'sinkhornIterations';
  expectOptions(op, 'args', args, ['C', 'logA', 'logB', 'eps', 'iterations', 'f', 'g', 'convention']);
  const { eps, iterations } = args;
  const convention = expectOneOf(op, 'convention', args.convention ?? 'absorbed', ['kl', 'absorbed']);
  expectInteger(op, 'iterations', iterations, { min: 1, max: 1e7 });
  expectPositive(op, 'eps', eps);
  // Check everything under the caller's names before recording, so a rejected call allocates nothing.
  const packed = isSinkhornCostF16(args.C) ? args.C : null;
  if (packed && (packed.packed.isDisposed || packed.rowShift.isDisposed)) {
    throw invalidArgument(op, 'C', 'a SinkhornCostF16 that has not been disposed', 'a disposed SinkhornCostF16');
  }
  let n: number;
  let m: number;
  if (packed) {
    [n, m] = packed.shape;
  } else {
    const C = expectTensor(op, 'C', args.C, 'float32');
    expectRank(op, 'C', C, 2);
    [n, m] = C.shape as [number, number];
    if (n === 0 || m === 0) throw invalidArgument(op, 'C', 'a non-empty [n, m] tensor', C);
  }
  const vec = (name: string, t: unknown, len: number, what: string) => {
    const v = expectTensor(op, name, t, 'float32');
    if (v.rank !== 1 || v.shape[0] !== len) throw invalidArgument(op, name, `a 1-D float32 tensor of length ${len} (${what} of C)`, v);
    return v;
  };
  const logA = vec('logA', args.logA, n, 'rows');
  const logB = vec('logB', args.logB, m, 'columns');
  if (args.f !== undefined) vec('f', args.f, n, 'rows');
  const g0 = args.g !== undefined ? vec('g', args.g, m, 'columns') : tf.zeros([m]);
  try {
    const inputs = packed ? { C: packed.packed, g0, logA, logB, rowShift: packed.rowShift } : { C: args.C as tf.Tensor, g0, logA, logB };
    const [f, g] = runKernel<SinkhornIterationsInputs, SinkhornIterationsAttrs, tf.Tensor[]>(SINKHORN_ITERATIONS, inputs, {
      eps,
      iterations,
      format: packed ? 'f16' : 'f32',
      m,
      convention,
    });
    return { f: f as tf.Tensor1D, g: g as tf.Tensor1D };
  } finally {
    // The caller's warm start is never disposed; our zeros are (tfjs defers the release past queued reads).
    if (g0 !== args.g) g0.dispose();
  }
}

/** Arguments of {@link sinkhornMarginalError}. */
export interface SinkhornMarginalErrorArgs {
  /** Cost matrix [n, m]. */
  C: tf.Tensor | tf.TensorLike;
  /** Row potential, length n. */
  f: tf.Tensor | tf.TensorLike;
  /** Column potential, length m. */
  g: tf.Tensor | tf.TensorLike;
  /** log of the target marginal of `axis` (log a for 'rows', log b for 'cols'). */
  logMarginal: tf.Tensor | tf.TensorLike;
  /** Entropic regularisation ε > 0. */
  eps: number;
  /** 'rows' measures ‖P·1 − a‖₁, 'cols' measures ‖Pᵀ·1 − b‖₁. Default 'rows'. */
  axis?: SinkhornAxis;
}

/**
 * L1 marginal violation of the plan P_ij = exp((f_i + g_j − C_ij)/ε) (absorbed potentials) along one axis, as a
 * scalar tensor (one fused pass over C plus O(n) work). After a 'cols' half step the column marginals are exact,
 * so the 'rows' error is the usual convergence test. Uses (P·1)_i = a_i·exp((f_i − f̃_i)/ε) with f̃ the 'rows'
 * half step, which never forms P: ‖P·1 − a‖₁ = Σ_i a_i·|expm1((f_i − f̃_i)/ε)|, the formula of ot-matching's
 * `stepMarginalError` (which the solver there reports, summed in float64); this op is the kernel-level check.
 */
export function sinkhornMarginalError(args: SinkhornMarginalErrorArgs): tf.Scalar {
  const op = 'sinkhornMarginalError';
  expectOptions(op, 'args', args, ['C', 'f', 'g', 'logMarginal', 'eps', 'axis']);
  const axis = expectOneOf(op, 'axis', args.axis ?? 'rows', ['rows', 'cols']);
  const rows = axis === 'rows';
  // Required here (the absorbed form): the half step would accept logWeights instead.
  if (args.logMarginal === undefined) throw invalidArgument(op, 'logMarginal', 'a float32 tensor or nested number array', undefined, 'type');
  return withOwned((own) => {
  const { C, potential, logMarginal } = check(
    op,
    { C: args.C, potential: rows ? args.g : args.f, logMarginal: args.logMarginal, eps: args.eps, axis },
    own,
    { potential: rows ? 'g' : 'f', logMarginal: 'logMarginal' },
  );
  const selfIn = rows ? args.f : args.g;
  const self = own(toFloatTensor(op, rows ? 'f' : 'g', selfIn), selfIn);
  const len = rows ? C.shape[0] : C.shape[1];
  if (self.rank !== 1 || self.shape[0] !== len) {
    throw invalidArgument(op, rows ? 'f' : 'g', `a 1-D tensor of length ${len} (${rows ? 'rows' : 'columns'} of C)`, self);
  }
  return tf.tidy(() => {
    const tilde = runKernel<SinkhornHalfStepInputs, SinkhornHalfStepAttrs, tf.Tensor>(SINKHORN_HALF_STEP, { C, potential, logMarginal: logMarginal! }, { eps: args.eps, axis });
    return tf.sum(tf.mul(tf.exp(logMarginal!), tf.abs(tf.expm1(tf.div(tf.sub(self, tilde), args.eps))))) as tf.Scalar;
  });
  });
}

/** The entropic plan P_ij = exp((f_i + g_j − C_ij)/ε) as a dense [n, m] tensor (built with tfjs ops). */
export function sinkhornPlan(args: { C: tf.Tensor; f: tf.Tensor; g: tf.Tensor; eps: number }): tf.Tensor2D {
  const op = 'sinkhornPlan';
  expectOptions(op, 'args', args, ['C', 'f', 'g', 'eps']);
  expectPositive(op, 'eps', args.eps);
  const C = expectTensor(op, 'C', args.C, 'float32');
  expectRank(op, 'C', C, 2);
  const [n, m] = C.shape as [number, number];
  const f = expectTensor(op, 'f', args.f, 'float32');
  const g = expectTensor(op, 'g', args.g, 'float32');
  if (f.rank !== 1 || f.shape[0] !== n) throw invalidArgument(op, 'f', `a 1-D tensor of length ${n} (rows of C)`, f);
  if (g.rank !== 1 || g.shape[0] !== m) throw invalidArgument(op, 'g', `a 1-D tensor of length ${m} (columns of C)`, g);
  return tf.tidy(() => tf.exp(tf.div(tf.sub(tf.add(tf.expandDims(args.f, 1), tf.expandDims(args.g, 0)), args.C), args.eps)) as tf.Tensor2D);
}
