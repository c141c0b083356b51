import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from '../_shared/cpu';
import { lseReduceCpu } from '../logSumExp/cpu';
import { unpackCostF16 } from './f16-cpu';
import type { SinkhornIterationsAttrs } from './iterations-kernel';

/**
 * CPU kernel of `LemmaSinkhornIterations`: alternating float64-accumulated half steps, potentials stored as float32
 * between them (as on the GPU). The float16 format runs on the decoded C − r and adds r back to f.
 */
export const sinkhornIterationsCpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const { eps, iterations, format, m } = attrs as unknown as SinkhornIterationsAttrs;
  const { C, g0, logA, logB, rowShift } = inputs as Record<string, TensorInfo>;
  const n = C!.shape[0]!;
  const c = format === 'f16' ? unpackCostF16(readValues(backend, C!), n, m) : readValues(backend, C!);
  const la = readValues(backend, logA!);
  const lb = readValues(backend, logB!);
  let g: Float32Array = Float32Array.from(readValues(backend, g0!));
  let f: Float32Array = new Float32Array(n);
  for (let k = 0; k < iterations; k++) {
    f = lseReduceCpu(c, n, m, 'rows', g, la, eps);
    g = lseReduceCpu(c, n, m, 'cols', f, lb, eps);
  }
  if (format === 'f16') {
    const r = readValues(backend, rowShift!);
    for (let i = 0; i < n; i++) f[i] = f[i]! + r[i]!;
  }
  return [makeOutput(backend, [n], 'float32', f), makeOutput(backend, [m], 'float32', g)];
};
