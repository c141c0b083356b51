import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { expectPositive, expectRank, toFloatTensor } from '../_shared/validate';
import { sinkhornCpu } from './cpu';
import { sinkhornWebGPU } from './webgpu';

const KERNEL = 'LemmaSinkhornHalfStep';
registerOp(KERNEL, { webgpu: sinkhornWebGPU, cpu: sinkhornCpu });

/** Which dual potential a half step updates: 'rows' → f (length n), 'cols' → g (length m). */
export type SinkhornAxis = 'rows' | 'cols';

/** Arguments of {@link sinkhornHalfStep}. */
export interface SinkhornHalfStepArgs {
  /** Cost matrix [n, m]. */
  C: tf.Tensor | tf.TensorLike;
  /** The other side's potential: g (length m) for axis 'rows', f (length n) for 'cols'. */
  potential: tf.Tensor | tf.TensorLike;
  /** log of this side's marginal: log a (length n) for 'rows', log b (length m) for 'cols'. */
  logMarginal: tf.Tensor | tf.TensorLike;
  /** Entropic regularisation ε > 0 (in the units of C). */
  eps: number;
  /** 'rows' updates f, 'cols' updates g. */
  axis: SinkhornAxis;
}

interface Checked {
  C: tf.Tensor;
  potential: tf.Tensor;
  logMarginal: tf.Tensor;
  owned: tf.Tensor[];
}

function check(op: string, args: SinkhornHalfStepArgs): Checked {
  if (!args || typeof args !== 'object') throw new Error(`${op}: expected an arguments object { C, potential, logMarginal, eps, axis }`);
  if (args.axis !== 'rows' && args.axis !== 'cols') throw new Error(`${op}: axis must be 'rows' or 'cols', got '${String(args.axis)}'`);
  expectPositive(args.eps, op, 'eps');
  const owned: tf.Tensor[] = [];
  const conv = (v: tf.Tensor | tf.TensorLike, name: string): tf.Tensor => {
    const t = toFloatTensor(v, op, name);
    if (t !== v) owned.push(t);
    return t;
  };
  const C = conv(args.C, 'C');
  expectRank(C, 2, op, 'C');
  const [n, m] = C.shape as [number, number];
  if (n === 0 || m === 0) throw new Error(`${op}: C must be non-empty, got shape [${n}, ${m}]`);
  const potential = conv(args.potential, 'potential');
  const logMarginal = conv(args.logMarginal, 'logMarginal');
  const rows = args.axis === 'rows';
  const potLen = rows ? m : n;
  const margLen = rows ? n : m;
  if (potential.rank !== 1 || potential.shape[0] !== potLen) {
    throw new Error(`${op}: potential must be a 1-D tensor of length ${potLen} (${rows ? 'g, columns' : 'f, rows'} of C), got shape [${potential.shape.join(', ')}]`);
  }
  if (logMarginal.rank !== 1 || logMarginal.shape[0] !== margLen) {
    throw new Error(`${op}: logMarginal must be a 1-D tensor of length ${margLen} (${rows ? 'rows' : 'columns'} of C), got shape [${logMarginal.shape.join(', ')}]`);
  }
  return { C, potential, logMarginal, owned };
}

/**
 * One log-domain Sinkhorn half iteration, fused in one pass over C:
 * rows: f_i = ε·log a_i − ε·LSE_j((g_j − C_ij)/ε); cols: g_j = ε·log b_j − ε·LSE_i((f_i − C_ij)/ε).
 * Alternating 'rows' and 'cols' converges to the entropic OT plan P_ij = exp((f_i + g_j − C_ij)/ε) with
 * marginals a and b. Inputs must be finite (log a_i = -Infinity for empty bins is not supported).
 *
 * @example
 * let g = tf.zeros([m]);
 * for (let t = 0; t < 100; t++) {
 *   const f = sinkhornHalfStep({ C, potential: g, logMarginal: logA, eps: 0.05, axis: 'rows' });
 *   g = sinkhornHalfStep({ C, potential: f, logMarginal: logB, eps: 0.05, axis: 'cols' });
 * }
 */
export function sinkhornHalfStep(args: SinkhornHalfStepArgs): tf.Tensor1D {
  const { C, potential, logMarginal, owned } = check('sinkhornHalfStep', args);
  const out = tf.engine().runKernel(KERNEL, { C, potential, logMarginal }, { eps: args.eps, axis: args.axis } as unknown as tf.NamedAttrMap) as tf.Tensor1D;
  for (const t of owned) t.dispose();
  return out;
}

/** Arguments of {@link sinkhornIterations}. */
export interface SinkhornIterationsArgs {
  /** Cost matrix [n, m]. */
  C: tf.Tensor;
  /** log a, length n. */
  logA: tf.Tensor;
  /** log b, length m. */
  logB: tf.Tensor;
  /** Entropic regularisation ε > 0. */
  eps: number;
  /** Full iterations (a 'rows' then a 'cols' half step each), a positive integer. */
  iterations: number;
  /** Warm-start potentials (zeros when omitted); not disposed. */
  f?: tf.Tensor;
  g?: tf.Tensor;
}

/**
 * Runs `iterations` full log-domain Sinkhorn iterations with {@link sinkhornHalfStep}, from warm-start potentials or
 * zeros. Returns new potentials owned by the caller; the inputs are left alone.
 *
 * @example
 * const { f, g } = sinkhornIterations({ C, logA, logB, eps: 0.05, iterations: 100 });
 */
export function sinkhornIterations(args: SinkhornIterationsArgs): { f: tf.Tensor1D; g: tf.Tensor1D } {
  const { C, logA, logB, eps, iterations } = args;
  if (!Number.isInteger(iterations) || iterations < 1) throw new Error(`sinkhornIterations: iterations must be a positive integer, got ${iterations}`);
  if (C.rank !== 2) throw new Error(`sinkhornIterations: C must be 2-D, got shape [${C.shape.join(', ')}]`);
  // The caller's warm-start tensors are never disposed; every later potential is ours to free.
  let f: tf.Tensor = args.f ?? tf.zeros([C.shape[0]!]);
  let g: tf.Tensor = args.g ?? tf.zeros([C.shape[1]!]);
  let ownF = !args.f;
  let ownG = !args.g;
  for (let k = 0; k < iterations; k++) {
    const f2 = sinkhornHalfStep({ C, potential: g, logMarginal: logA, eps, axis: 'rows' });
    if (ownF) f.dispose();
    f = f2;
    ownF = true;
    const g2 = sinkhornHalfStep({ C, potential: f, logMarginal: logB, eps, axis: 'cols' });
    if (ownG) g.dispose();
    g = g2;
    ownG = true;
  }
  return { f: f as tf.Tensor1D, g: g as tf.Tensor1D };
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
 * L1 marginal violation of the plan P_ij = exp((f_i + g_j − C_ij)/ε) along one axis, as a scalar tensor
 * (one fused pass over C plus O(n) work). After a 'cols' half step the column marginals are exact, so the
 * 'rows' error is the usual convergence test. Uses (P·1)_i = a_i·exp((f_i − f̃_i)/ε) with f̃ the 'rows'
 * half step, which never forms P.
 */
export function sinkhornMarginalError(args: SinkhornMarginalErrorArgs): tf.Scalar {
  const axis = args.axis ?? 'rows';
  const rows = axis === 'rows';
  const { C, potential, logMarginal, owned } = check('sinkhornMarginalError', {
    C: args.C,
    potential: rows ? args.g : args.f,
    logMarginal: args.logMarginal,
    eps: args.eps,
    axis,
  });
  const self = toFloatTensor(rows ? args.f : args.g, 'sinkhornMarginalError', rows ? 'f' : 'g');
  if (self !== (rows ? args.f : args.g)) owned.push(self);
  const len = rows ? C.shape[0] : C.shape[1];
  if (self.rank !== 1 || self.shape[0] !== len) {
    throw new Error(`sinkhornMarginalError: ${rows ? 'f' : 'g'} must be a 1-D tensor of length ${len}, got shape [${self.shape.join(', ')}]`);
  }
  const err = tf.tidy(() => {
    const tilde = tf.engine().runKernel(KERNEL, { C, potential, logMarginal }, { eps: args.eps, axis } as unknown as tf.NamedAttrMap) as tf.Tensor;
    const ratio = tf.exp(tf.div(tf.sub(self, tilde), args.eps));
    return tf.sum(tf.mul(tf.exp(logMarginal), tf.abs(tf.sub(ratio, 1)))) as tf.Scalar;
  });
  for (const t of owned) t.dispose();
  return err;
}

/** The entropic plan P_ij = exp((f_i + g_j − C_ij)/ε) as a dense [n, m] tensor (built with tfjs ops). */
export function sinkhornPlan(args: { C: tf.Tensor; f: tf.Tensor; g: tf.Tensor; eps: number }): tf.Tensor2D {
  expectPositive(args.eps, 'sinkhornPlan', 'eps');
  expectRank(args.C, 2, 'sinkhornPlan', 'C');
  const [n, m] = args.C.shape as [number, number];
  if (args.f.rank !== 1 || args.f.shape[0] !== n) throw new Error(`sinkhornPlan: f must be a 1-D tensor of length ${n} (rows of C), got shape [${args.f.shape.join(', ')}]`);
  if (args.g.rank !== 1 || args.g.shape[0] !== m) throw new Error(`sinkhornPlan: g must be a 1-D tensor of length ${m} (columns of C), got shape [${args.g.shape.join(', ')}]`);
  return tf.tidy(() => tf.exp(tf.div(tf.sub(tf.add(tf.expandDims(args.f, 1), tf.expandDims(args.g, 0)), args.C), args.eps)) as tf.Tensor2D);
}
