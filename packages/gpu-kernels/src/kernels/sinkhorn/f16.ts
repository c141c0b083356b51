import * as tf from '@tensorflow/tfjs-core';
import { registerOp } from '../_shared/register';
import { expectRank, invalidArgument, toFloatTensor, withOwned } from '../../validate/index';
import { packCostF16Cpu } from './f16-cpu';
import { packCostF16WebGPU } from './f16-webgpu';
import { runKernel } from '../_shared/kernel';
import type { NoAttrs } from '../_shared/kernel';
import type { PackCostF16Inputs } from './kernel';
import { PACK_COST_F16 } from './kernel';

registerOp(PACK_COST_F16, { webgpu: packCostF16WebGPU, cpu: packCostF16Cpu });

/**
 * A Sinkhorn cost matrix stored in half precision for {@link sinkhornIterations}: entry (i, j) holds
 * C_ij − r_i as IEEE binary16 (two per int32 word, rows padded to 8 halves) with r_i = min_j C_ij kept in float32.
 * Shifting a row by a constant leaves the plan unchanged (f absorbs it and r is added back), and makes every
 * stored value ≥ 0 with its absolute rounding error ≤ 2^-10·(C_ij − r_i) + 2^-14: smallest where the plan's mass is.
 * Values above 65504 past their row minimum are stored as 65504. Made by {@link packSinkhornCostF16}; owns its
 * two tensors until {@link SinkhornCostF16.dispose}.
 */
export interface SinkhornCostF16 {
  /** Storage format tag. */
  readonly format: 'f16';
  /** [n, m] of the cost matrix it stores. */
  readonly shape: readonly [number, number];
  /** int32 [n, 4·⌈m/8⌉]: word w of row i holds columns 2w (low 16 bits) and 2w + 1. */
  readonly packed: tf.Tensor2D;
  /** float32 [n]: the row minima r_i subtracted before rounding. */
  readonly rowShift: tf.Tensor1D;
  /** Disposes `packed` and `rowShift`. */
  dispose(): void;
}

const handles = new WeakSet<object>();

/** True for a {@link SinkhornCostF16} made by {@link packSinkhornCostF16} (not a look-alike object). */
export function isSinkhornCostF16(x: unknown): x is SinkhornCostF16 {
  return typeof x === 'object' && x !== null && handles.has(x);
}

/**
 * Packs a float32 cost matrix [n, m] into half precision for {@link sinkhornIterations} (half the bytes per
 * iteration; float32 arithmetic inside). One pass on the active backend; `C` is left alone.
 *
 * @example
 * const C16 = packSinkhornCostF16(C);
 * const { f, g } = sinkhornIterations({ C: C16, logA, logB, eps: 0.05, iterations: 100 });
 * C16.dispose();
 */
export function packSinkhornCostF16(C: tf.Tensor | tf.TensorLike): SinkhornCostF16 {
  const op = 'packSinkhornCostF16';
  return withOwned((own) => {
    const c = own(toFloatTensor(op, 'C', C), C);
    expectRank(op, 'C', c, 2);
    const [n, m] = c.shape as [number, number];
    if (n === 0 || m === 0) throw invalidArgument(op, 'C', 'a non-empty [n, m] tensor', c);
    const rowShift = tf.min(c, 1) as tf.Tensor1D;
    const packed = runKernel<PackCostF16Inputs, NoAttrs, tf.Tensor2D>(PACK_COST_F16, { C: c, rowShift }, {});
    const handle: SinkhornCostF16 = {
      format: 'f16',
      shape: [n, m],
      packed,
      rowShift,
      dispose: () => tf.dispose([packed, rowShift]),
    };
    handles.add(handle);
    return Object.freeze(handle);
  });
}
