/** Names and attributes of the multi-iteration Sinkhorn kernel and the float16 cost packer. */

/** Kernel `LemmaSinkhornIterations`: inputs C (or packed + rowShift), g0, logA, logB; outputs [f, g]. */
export const SINKHORN_ITERATIONS_KERNEL = 'LemmaSinkhornIterations';

/** Kernel `LemmaPackCostF16`: inputs C [n, m] float32 and rowShift [n]; output int32 [n, 4·⌈m/8⌉]. */
export const PACK_COST_F16_KERNEL = 'LemmaPackCostF16';

/** How the cost matrix of a `LemmaSinkhornIterations` call is stored. */
export type CostFormat = 'f32' | 'f16';

/** Attributes of `LemmaSinkhornIterations`. */
export interface SinkhornIterationsAttrs {
  eps: number;
  iterations: number;
  format: CostFormat;
  /** Columns of C (the packed float16 tensor's shape rounds them up to 8). */
  m: number;
}

/** int32 words per row of the packed float16 cost: two halves per word, rows padded to 8 halves. */
export function packedWordsPerRow(m: number): number {
  return 4 * Math.ceil(m / 8);
}
