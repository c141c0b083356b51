import { makeOutput, readValues } from '../_shared/cpu';
import type { KernelImpl, NoAttrs } from '../_shared/kernel';
import { FLOAT16_MAX, float16Bits, float16Value } from './half';
import { packedWordsPerRow } from './kernel';
import type { PackCostF16Inputs } from './kernel';

/** CPU kernel of `LemmaPackCostF16`: word (i, w) holds halves of C[i, 2w] − r_i (low bits) and C[i, 2w+1] − r_i. */
export const packCostF16Cpu: KernelImpl<PackCostF16Inputs, NoAttrs> = ({ inputs, backend }) => {
  const { C, rowShift } = inputs;
  const [n, m] = C.shape as [number, number];
  const c = readValues(backend, C);
  const r = readValues(backend, rowShift);
  const words = packedWordsPerRow(m);
  const out = new Int32Array(n * words);
  const half = (i: number, j: number) => (j < m ? float16Bits(Math.min(Math.max(c[i * m + j]! - r[i]!, 0), FLOAT16_MAX)) : 0);
  for (let i = 0; i < n; i++) {
    for (let w = 0; w < words; w++) out[i * words + w] = half(i, 2 * w) | (half(i, 2 * w + 1) << 16);
  }
  return makeOutput(backend, [n, words], 'int32', out);
};

/** The float32 values C[i, j] − r_i stored in packed words (n rows of m columns, `words` words per row). */
export function unpackCostF16(packed: ArrayLike<number>, n: number, m: number): Float32Array {
  const words = packedWordsPerRow(m);
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      const w = packed[i * words + (j >> 1)]!;
      out[i * m + j] = float16Value(j & 1 ? w >>> 16 : w & 0xffff);
    }
  }
  return out;
}
