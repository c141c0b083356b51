import type { KernelFunc } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from '../_shared/cpu';
import { lseReduceCpu } from '../logSumExp/cpu';

/** Attributes of `LemmaSinkhornHalfStep`. */
export interface SinkhornAttrs {
  eps: number;
  axis: 'rows' | 'cols';
}

/** CPU kernel: float64 accumulation, two sweeps over C. */
export const sinkhornCpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const { eps, axis } = attrs as unknown as SinkhornAttrs;
  const { C, potential, logMarginal } = inputs as Record<string, import('@tensorflow/tfjs-core').TensorInfo>;
  const [n, m] = C!.shape as [number, number];
  const out = lseReduceCpu(readValues(backend, C!), n, m, axis, readValues(backend, potential!), readValues(backend, logMarginal!), eps);
  return makeOutput(backend, [axis === 'rows' ? n : m], 'float32', out);
};
