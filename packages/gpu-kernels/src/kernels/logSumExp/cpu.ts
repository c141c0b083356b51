import type { KernelFunc } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from '../_shared/cpu';

/**
 * Shared CPU reduction (float64 accumulators): for each output o along `axis`, with v_k = (pot_k − C)/eps when
 * `pot` is given (Sinkhorn form, out = eps·(logm_o − LSE)) or v = C (out = LSE). Two passes: max, then sum.
 */
export function lseReduceCpu(
  c: ArrayLike<number>,
  n: number,
  m: number,
  axis: 'rows' | 'cols',
  pot?: ArrayLike<number>,
  logm?: ArrayLike<number>,
  eps = 1,
): Float32Array {
  const inv = pot ? 1 / eps : 1;
  if (axis === 'rows') {
    const out = new Float32Array(n);
    const v = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let mx = -Infinity;
      for (let j = 0; j < m; j++) {
        const x = pot ? (pot[j]! - c[o + j]!) * inv : c[o + j]!;
        v[j] = x;
        if (x > mx) mx = x;
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(v[j]! - mx);
      const lse = mx + Math.log(s);
      out[i] = pot ? eps * (logm![i]! - lse) : lse;
    }
    return out;
  }
  // Columns: two row-major sweeps (max, then sum) so memory access stays sequential.
  const mx = new Float64Array(m).fill(-Infinity);
  const s = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    const pi = pot ? pot[i]! : 0;
    for (let j = 0; j < m; j++) {
      const x = pot ? (pi - c[o + j]!) * inv : c[o + j]!;
      if (x > mx[j]!) mx[j] = x;
    }
  }
  for (let i = 0; i < n; i++) {
    const o = i * m;
    const pi = pot ? pot[i]! : 0;
    for (let j = 0; j < m; j++) {
      const x = pot ? (pi - c[o + j]!) * inv : c[o + j]!;
      s[j] += Math.exp(x - mx[j]!);
    }
  }
  const out = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const lse = mx[j]! + Math.log(s[j]!);
    out[j] = pot ? eps * (logm![j]! - lse) : lse;
  }
  return out;
}

/** CPU kernel of `LemmaLogSumExp`. */
export const logSumExpCpu: KernelFunc = ({ inputs, backend, attrs }) => {
  const x = inputs.x!;
  const [n, m] = x.shape as [number, number];
  const axis = (attrs as { axis: number }).axis;
  const out = lseReduceCpu(readValues(backend, x), n, m, axis === 1 ? 'rows' : 'cols');
  return makeOutput(backend, [axis === 1 ? n : m], 'float32', out);
};
