import type { KernelImpl, NoAttrs } from '../_shared/kernel';
import { makeOutput, readValues } from '../_shared/cpu';
import { pairwiseDims } from './kernel';
import type { PairwiseInputs, PairwiseKind } from './kernel';

/** CPU kernel: float64 accumulation per output, then rounded to float32. */
export function pairwiseCpu(kind: PairwiseKind): KernelImpl<PairwiseInputs, NoAttrs> {
  return ({ inputs: { x, y }, backend }) => {
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
