import type { TensorInfo } from '@tensorflow/tfjs-core';

/** Kernel name of the online point-cloud Sinkhorn half step (registered for webgpu and the CPU backends). */
export const SINKHORN_ONLINE_KERNEL = 'LemmaSinkhornOnlineHalfStep';

/** Largest point dimension d the kernels accept (the WebGPU one keeps a point of each side in registers). */
export const SINKHORN_ONLINE_MAX_DIM = 64;

/** Attributes of `LemmaSinkhornOnlineHalfStep`. */
export interface SinkhornOnlineAttrs {
  eps: number;
  axis: 'rows' | 'cols';
}

/** Inputs of `LemmaSinkhornOnlineHalfStep`: points x [n, d], y [m, d], the other side's potential, this side's log-marginal. */
export interface SinkhornOnlineInputs {
  x: TensorInfo;
  y: TensorInfo;
  potential: TensorInfo;
  logMarginal: TensorInfo;
}
