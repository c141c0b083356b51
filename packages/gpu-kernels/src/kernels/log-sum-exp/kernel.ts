/**
 * The kernels of the log-sum-exp reduction family: the plain row/column LSE and its Sinkhorn form (the half step).
 * Both run the same reduction (cpu.ts: `lseReduceCpu`, webgpu.ts: `lseReduceWebGPU`); the ops are `logSumExp`
 * (./index.ts) and `sinkhornHalfStep` (../sinkhorn/index.ts).
 */
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel } from '../_shared/kernel';

/** Inputs of `LemmaLogSumExp`: a 2-D float32 tensor. */
export interface LogSumExpInputs {
  x: TensorInfo;
}

/** Attributes of `LemmaLogSumExp`: 1 reduces each row (output [n]), 0 each column (output [m]). */
export interface LogSumExpAttrs {
  axis: 0 | 1;
}

/** Kernel `LemmaLogSumExp` (differentiable: the gradient is the softmax along `axis`). */
export const LOG_SUM_EXP = defineKernel<LogSumExpInputs, LogSumExpAttrs>('LemmaLogSumExp');

/**
 * Inputs of `LemmaSinkhornHalfStep`: C [n, m], the other side's potential, and at least one of the log-weights of
 * the reduced side (inside the LSE) and the log-marginal of the output side (outside it).
 */
export interface SinkhornHalfStepInputs {
  C: TensorInfo;
  potential: TensorInfo;
  logWeights?: TensorInfo;
  logMarginal?: TensorInfo;
}

/** Attributes of `LemmaSinkhornHalfStep`. */
export interface SinkhornHalfStepAttrs {
  eps: number;
  axis: 'rows' | 'cols';
}

/**
 * Kernel `LemmaSinkhornHalfStep`: out_o = ε·logMarginal_o − ε·LSE_k(logWeights_k + (potential_k − C_ok)/ε) along
 * `axis` (each log term 0 when absent).
 */
export const SINKHORN_HALF_STEP = defineKernel<SinkhornHalfStepInputs, SinkhornHalfStepAttrs>('LemmaSinkhornHalfStep');
