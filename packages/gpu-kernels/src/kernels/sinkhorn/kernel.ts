/**
 * The kernels of this folder: the fused multi-iteration Sinkhorn pass and the float16 cost packer. (The half step
 * is the log-sum-exp reduction's Sinkhorn form: its kernel lives in ../log-sum-exp/kernel.ts.)
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel } from '../_shared/kernel';

/** How the cost matrix of a `LemmaSinkhornIterations` call is stored. */
export type CostFormat = 'f32' | 'f16';

/**
 * Potential convention of a `LemmaSinkhornIterations` call. 'kl': the KL(P | a⊗b) potentials of @lemma/ot-matching,
 * P_ij = a_i·b_j·exp((f_i + g_j − C_ij)/ε), the log-weights entering each LSE. 'absorbed' (the original form): the
 * log-weights absorbed into the potentials, P_ij = exp((f_i + g_j − C_ij)/ε), i.e. f_absorbed = f_kl + ε·log a.
 */
export type SinkhornConvention = 'kl' | 'absorbed';

/** Inputs of `LemmaSinkhornIterations`: C (or the packed float16 words plus rowShift), g0, logA, logB. */
export interface SinkhornIterationsInputs {
  C: TensorInfo;
  g0: TensorInfo;
  logA: TensorInfo;
  logB: TensorInfo;
  /** Row minima subtracted before packing; only with format 'f16'. */
  rowShift?: TensorInfo;
}

/** Attributes of `LemmaSinkhornIterations`. */
export interface SinkhornIterationsAttrs {
  eps: number;
  iterations: number;
  format: CostFormat;
  /** Columns of C (the packed float16 tensor's shape rounds them up to 8). */
  m: number;
  convention: SinkhornConvention;
}

/** Kernel `LemmaSinkhornIterations`: `iterations` full iterations from g0; outputs [f, g]. */
export const SINKHORN_ITERATIONS = defineKernel<SinkhornIterationsInputs, SinkhornIterationsAttrs>('LemmaSinkhornIterations');

/** Inputs of `LemmaPackCostF16`: C [n, m] float32 and rowShift [n]. */
export interface PackCostF16Inputs {
  C: TensorInfo;
  rowShift: TensorInfo;
}

/** Kernel `LemmaPackCostF16`: output int32 [n, 4·⌈m/8⌉]. */
export const PACK_COST_F16 = defineKernel<PackCostF16Inputs>('LemmaPackCostF16');

/** int32 words per row of the packed float16 cost: two halves per word, rows padded to 8 halves. */
export function packedWordsPerRow(m: number): number {
  return 4 * Math.ceil(m / 8);
}
