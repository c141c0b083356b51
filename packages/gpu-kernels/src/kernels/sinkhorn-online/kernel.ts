import type { TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel } from '../_shared/kernel';

/** Largest point dimension d the kernels accept (the WebGPU one keeps a point of each side in registers). */
export const SINKHORN_ONLINE_MAX_DIM = 64;

/** Attributes of `LemmaSinkhornOnlineHalfStep`. */
export interface SinkhornOnlineAttrs {
  eps: number;
  axis: 'rows' | 'cols';
}

/**
 * Inputs of `LemmaSinkhornOnlineHalfStep`: points x [n, d], y [m, d], the other side's potential, and at least one
 * of the other side's log-weights (inside the LSE, the KL form) and this side's log-marginal (outside it).
 */
export interface SinkhornOnlineInputs {
  x: TensorInfo;
  y: TensorInfo;
  potential: TensorInfo;
  logWeights?: TensorInfo;
  logMarginal?: TensorInfo;
}

/** Kernel `LemmaSinkhornOnlineHalfStep` (registered for webgpu and the CPU backends). */
export const SINKHORN_ONLINE = defineKernel<SinkhornOnlineInputs, SinkhornOnlineAttrs>('LemmaSinkhornOnlineHalfStep');
