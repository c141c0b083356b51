import type { TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel } from '../_shared/kernel';

/** Which pairwise cost a kernel computes. */
export type PairwiseKind = 'sqdist' | 'inner';

/** Inputs of both pairwise kernels: x [...batch, n, d], y [...batch, m, d] (float32). No attributes. */
export interface PairwiseInputs {
  x: TensorInfo;
  y: TensorInfo;
}

/** `LemmaPairwiseSqDist`: out [...batch, n, m] = Σ_k (x_ik − y_jk)². */
export const PAIRWISE_SQDIST = defineKernel<PairwiseInputs>('LemmaPairwiseSqDist');

/** `LemmaInnerProduct`: out [...batch, n, m] = Σ_k x_ik·y_jk. */
export const INNER_PRODUCT = defineKernel<PairwiseInputs>('LemmaInnerProduct');

/** Shape facts shared by both backends: [...batch, n, d] x [...batch, m, d] -> [...batch, n, m]. */
export function pairwiseDims(xShape: number[], yShape: number[]): { batch: number; n: number; m: number; d: number; outShape: number[] } {
  const r = xShape.length;
  const batchShape = xShape.slice(0, r - 2);
  const n = xShape[r - 2]!;
  const m = yShape[r - 2]!;
  const d = xShape[r - 1]!;
  return { batch: batchShape.reduce((a, b) => a * b, 1), n, m, d, outShape: [...batchShape, n, m] };
}
