import type { TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from '../_shared/cpu';
import type { KernelImpl } from '../_shared/kernel';
import type { SinkhornOnlineAttrs, SinkhornOnlineInputs } from './kernel';

/**
 * out_o = eps·logm_o − eps·LSE_k(logw_k + (pot_k − ‖p_o − q_k‖²)/eps) for points p [nOut, d] (output side) and
 * q [nIn, d] (reduced side), each log term 0 when absent (null), float64 accumulation and O(nIn) scratch: the cost
 * is recomputed per pair, never stored.
 */
export function sinkhornOnlineCpuValues(
  p: ArrayLike<number>,
  q: ArrayLike<number>,
  nOut: number,
  nIn: number,
  d: number,
  pot: ArrayLike<number>,
  logm: ArrayLike<number> | null,
  eps: number,
  logw: ArrayLike<number> | null = null,
): Float32Array {
  const out = new Float32Array(nOut);
  const v = new Float64Array(nIn);
  const inv = 1 / eps;
  for (let o = 0; o < nOut; o++) {
    const po = o * d;
    let mx = -Infinity;
    for (let k = 0; k < nIn; k++) {
      const qo = k * d;
      let c = 0;
      for (let t = 0; t < d; t++) {
        const diff = p[po + t]! - q[qo + t]!;
        c += diff * diff;
      }
      const z = logw ? (pot[k]! - c) * inv + logw[k]! : (pot[k]! - c) * inv;
      v[k] = z;
      if (z > mx) mx = z;
    }
    let s = 0;
    for (let k = 0; k < nIn; k++) s += Math.exp(v[k]! - mx);
    out[o] = logm ? eps * (logm[o]! - mx - Math.log(s)) : -eps * (mx + Math.log(s));
  }
  return out;
}

/** CPU kernel (cpu, wasm, tensorflow): 'cols' is 'rows' with the roles of x and y swapped (the cost is symmetric). */
export const sinkhornOnlineCpu: KernelImpl<SinkhornOnlineInputs, SinkhornOnlineAttrs> = ({ inputs, backend, attrs }) => {
  const { eps, axis } = attrs;
  const { x, y, potential, logWeights, logMarginal } = inputs;
  const [p, q] = axis === 'rows' ? [x, y] : [y, x];
  const [nOut, d] = p.shape as [number, number];
  const nIn = q.shape[0]!;
  const read = (t: TensorInfo | undefined) => (t === undefined ? null : readValues(backend, t));
  const out = sinkhornOnlineCpuValues(readValues(backend, p), readValues(backend, q), nOut, nIn, d, readValues(backend, potential), read(logMarginal), eps, read(logWeights));
  return makeOutput(backend, [nOut], 'float32', out);
};
