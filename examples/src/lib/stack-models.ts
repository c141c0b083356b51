/** Host data of K models stacked along a leading model axis (the layout of K-model variables and batches). */
import type * as tf from '@tensorflow/tfjs-core';

/** The concatenation of K equal-role parts (one per model) as the float32 data of a tensor [K, ...]. */
export function stackModels(parts: readonly ArrayLike<number>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Each [K, w] variable read once and split into its K models' rows, as float64: result[model][variable]. */
export async function readModelRows(vs: readonly tf.Variable[], K: number): Promise<Float64Array[][]> {
  const all = await Promise.all(vs.map((v) => v.data()));
  return Array.from({ length: K }, (_, m) => all.map((d, i) => Float64Array.from(d.subarray(m * vs[i]!.shape[1]!, (m + 1) * vs[i]!.shape[1]!))));
}
