import { makeOutput, readValues } from '../_shared/cpu';
import type { KernelImpl } from '../_shared/kernel';
import { lseReduceCpu } from '../log-sum-exp/cpu';
import { unpackCostF16 } from './f16-cpu';
import type { SinkhornIterationsAttrs, SinkhornIterationsInputs } from './kernel';

/**
 * CPU kernel of `LemmaSinkhornIterations`: alternating float64-accumulated half steps, potentials stored as float32
 * between them (as on the GPU). 'kl' passes the log-weights inside each LSE, 'absorbed' outside it (the log-marginal
 * of the updated side). The float16 format runs on the decoded C − r and adds r back to f.
 */
export const sinkhornIterationsCpu: KernelImpl<SinkhornIterationsInputs, SinkhornIterationsAttrs> = ({ inputs, backend, attrs }) => {
  const { eps, iterations, format, m, convention } = attrs;
  const { C, g0, logA, logB, rowShift } = inputs;
  const n = C.shape[0]!;
  const c = format === 'f16' ? unpackCostF16(readValues(backend, C), n, m) : readValues(backend, C);
  const la = readValues(backend, logA);
  const lb = readValues(backend, logB);
  const kl = convention === 'kl';
  let g: Float32Array = Float32Array.from(readValues(backend, g0));
  let f: Float32Array = new Float32Array(n);
  for (let k = 0; k < iterations; k++) {
    // f_i = −ε LSE_j(log b_j + (g_j − C_ij)/ε) ('kl'), or ε log a_i − ε LSE_j((g_j − C_ij)/ε) ('absorbed').
    f = kl ? lseReduceCpu(c, n, m, 'rows', g, undefined, eps, lb) : lseReduceCpu(c, n, m, 'rows', g, la, eps);
    g = kl ? lseReduceCpu(c, n, m, 'cols', f, undefined, eps, la) : lseReduceCpu(c, n, m, 'cols', f, lb, eps);
  }
  if (format === 'f16') {
    const r = readValues(backend, rowShift!);
    for (let i = 0; i < n; i++) f[i] = f[i]! + r[i]!;
  }
  return [makeOutput(backend, [n], 'float32', f), makeOutput(backend, [m], 'float32', g)];
};
