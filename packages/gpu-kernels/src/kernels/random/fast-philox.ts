import { philox4x32 } from '../../rng/philox';

/**
 * Allocation-free Philox 4x32-10 over consecutive blocks for the CPU kernels; bit-identical to `philoxWords`
 * (checked in random.test.ts): word i is word i%4 of Philox(counter [i/4, stream, 0, 0], key). The output is
 * padded to a whole number of blocks.
 */
export function philoxWordsFast(key: readonly [number, number], n: number, stream: number): Uint32Array {
  const out = new Uint32Array(Math.ceil(n / 4) * 4);
  const s = stream >>> 0;
  for (let b = 0, o = 0; o < n; b++, o += 4) philox4x32(b >>> 0, s, Math.floor(b / 4294967296) >>> 0, 0, key, out, o);
  return out;
}
