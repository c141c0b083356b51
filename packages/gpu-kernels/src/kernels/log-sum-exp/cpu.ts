import type { TensorInfo } from '@tensorflow/tfjs-core';
import { makeOutput, readValues } from '../_shared/cpu';
import type { KernelImpl } from '../_shared/kernel';
import type { LogSumExpAttrs, LogSumExpInputs, SinkhornHalfStepAttrs, SinkhornHalfStepInputs } from './kernel';

/**
 * Shared CPU reduction (float64 accumulators): for each output o along `axis`, with v_k = (pot_k − C)/eps + logw_k
 * when `pot` is given (Sinkhorn form, out = eps·(logm_o − LSE); `logw` and `logm` each optional, 0 when absent)
 * or v = C (out = LSE). Two passes: max, then sum. Without `logw` the arithmetic is exactly the one of the form
 * without log-weights (no `+ 0`), so the results of that form are bit for bit what they were.
 */
export function lseReduceCpu(
  c: ArrayLike<number>,
  n: number,
  m: number,
  axis: 'rows' | 'cols',
  pot?: ArrayLike<number>,
  logm?: ArrayLike<number>,
  eps = 1,
  logw?: ArrayLike<number>,
): Float32Array {
  const inv = pot ? 1 / eps : 1;
  const lw = pot ? logw : undefined;
  const lm = pot ? logm : undefined;
  // One loop per form (plain, Sinkhorn, Sinkhorn with log-weights): no per-element branch in the hot loops.
  if (axis === 'rows') {
    const out = new Float32Array(n);
    const v = new Float64Array(m);
    for (let i = 0; i < n; i++) {
      const o = i * m;
      let mx = -Infinity;
      if (!pot) {
        for (let j = 0; j < m; j++) {
          const x = c[o + j]!;
          v[j] = x;
          if (x > mx) mx = x;
        }
      } else if (lw) {
        for (let j = 0; j < m; j++) {
          const x = (pot[j]! - c[o + j]!) * inv + lw[j]!;
          v[j] = x;
          if (x > mx) mx = x;
        }
      } else {
        for (let j = 0; j < m; j++) {
          const x = (pot[j]! - c[o + j]!) * inv;
          v[j] = x;
          if (x > mx) mx = x;
        }
      }
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.exp(v[j]! - mx);
      const lse = mx + Math.log(s);
      out[i] = pot ? (lm ? eps * (lm[i]! - lse) : -eps * lse) : lse;
    }
    return out;
  }
  // Columns: two row-major sweeps (max, then sum) so memory access stays sequential.
  const mx = new Float64Array(m).fill(-Infinity);
  const s = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const o = i * m;
    if (!pot) {
      for (let j = 0; j < m; j++) {
        const x = c[o + j]!;
        if (x > mx[j]!) mx[j] = x;
      }
    } else {
      const pi = pot[i]!;
      const wi = lw ? lw[i]! : 0;
      if (lw) {
        for (let j = 0; j < m; j++) {
          const x = (pi - c[o + j]!) * inv + wi;
          if (x > mx[j]!) mx[j] = x;
        }
      } else {
        for (let j = 0; j < m; j++) {
          const x = (pi - c[o + j]!) * inv;
          if (x > mx[j]!) mx[j] = x;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) {
    const o = i * m;
    if (!pot) {
      for (let j = 0; j < m; j++) s[j] += Math.exp(c[o + j]! - mx[j]!);
    } else {
      const pi = pot[i]!;
      const wi = lw ? lw[i]! : 0;
      if (lw) {
        for (let j = 0; j < m; j++) s[j] += Math.exp((pi - c[o + j]!) * inv + wi - mx[j]!);
      } else {
        for (let j = 0; j < m; j++) s[j] += Math.exp((pi - c[o + j]!) * inv - mx[j]!);
      }
    }
  }
  const out = new Float32Array(m);
  for (let j = 0; j < m; j++) {
    const lse = mx[j]! + Math.log(s[j]!);
    out[j] = pot ? (lm ? eps * (lm[j]! - lse) : -eps * lse) : lse;
  }
  return out;
}

/** CPU kernel of `LemmaLogSumExp`. */
export const logSumExpCpu: KernelImpl<LogSumExpInputs, LogSumExpAttrs> = ({ inputs, backend, attrs }) => {
  const { x } = inputs;
  const [n, m] = x.shape as [number, number];
  const out = lseReduceCpu(readValues(backend, x), n, m, attrs.axis === 1 ? 'rows' : 'cols');
  return makeOutput(backend, [attrs.axis === 1 ? n : m], 'float32', out);
};

/** CPU kernel of `LemmaSinkhornHalfStep` (cpu, wasm, tensorflow): float64 accumulation, two sweeps over C. */
export const sinkhornHalfStepCpu: KernelImpl<SinkhornHalfStepInputs, SinkhornHalfStepAttrs> = ({ inputs, backend, attrs }) => {
  const { C, potential, logWeights, logMarginal } = inputs;
  const [n, m] = C.shape as [number, number];
  const read = (t: TensorInfo | undefined) => (t === undefined ? undefined : readValues(backend, t));
  const out = lseReduceCpu(readValues(backend, C), n, m, attrs.axis, readValues(backend, potential), read(logMarginal), attrs.eps, read(logWeights));
  return makeOutput(backend, [attrs.axis === 'rows' ? n : m], 'float32', out);
};
