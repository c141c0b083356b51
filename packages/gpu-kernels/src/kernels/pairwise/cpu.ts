import type { KernelFunc } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from '../_shared/cpu';
import type { PairwiseKind } from './reference';

/** Shape facts shared by both backends: [...batch, n, d] x [...batch, m, d] -> [...batch, n, m]. */
export function pairwiseDims(xShape: number[], yShape: number[]): { batch: number; n: number; m: number; d: number; outShape: number[] } {
  const r = xShape.length;
  const batchShape = xShape.slice(0, r - 2);
  const n = xShape[r - 2]!;
  const m = yShape[r - 2]!;
  const d = xShape[r - 1]!;
  return { batch: batchShape.reduce((a, b) => a * b, 1), n, m, d, outShape: [...batchShape, n, m] };
}

/** CPU kernel: float64 accumulation per output, then rounded to float32. */
export function pairwiseCpu(kind: PairwiseKind): KernelFunc {
  return ({ inputs, backend }) => {
    const { x, y } = inputs as { x: import('@tensorflow/tfjs-core').TensorInfo; y: import('@tensorflow/tfjs-core').TensorInfo };
    const { batch, n, m, d, outShape } = pairwiseDims(x.shape, y.shape);
    const xv = readValues(backend, x);
    const yv = readValues(backend, y);
    const out = new Float32Array(batch * n * m);
    const row = new Float64Array(d);
    for (let b = 0; b < batch; b++) {
      for (let i = 0; i < n; i++) {
        const xo = (b * n + i) * d;
        for (let k = 0; k < d; k++) row[k] = xv[xo + k]!;
        for (let j = 0; j < m; j++) {
          const yo = (b * m + j) * d;
          let s = 0;
          if (kind === 'sqdist') {
            for (let k = 0; k < d; k++) {
              const t = row[k]! - yv[yo + k]!;
              s += t * t;
            }
          } else {
            for (let k = 0; k < d; k++) s += row[k]! * yv[yo + k]!;
          }
          out[(b * n + i) * m + j] = s;
        }
      }
    }
    return makeOutput(backend, outShape, 'float32', out);
  };
}
