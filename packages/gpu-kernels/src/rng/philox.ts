/**
 * Philox 4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11), the counter-based
 * generator used by cuRAND, JAX and PyTorch. A (counter, key) pair maps to four independent uint32 words,
 * so any element of a stream can be computed on any backend without shared state.
 */

import { expectInteger, expectSeed, expectStream, invalidArgument } from '../validate/index';

const M0 = 0xd2511f53;
const M1 = 0xcd9e8d57;
const W0 = 0x9e3779b9;
const W1 = 0xbb67ae85;

/** A 64-bit Philox key as two uint32 words. */
export type PhiloxKey = readonly [number, number];

/** High 32 bits of m·a for uint32 m, a, via 16-bit halves (every partial product is exact in float64). */
function mulhi(m: number, a: number): number {
  const aL = a & 0xffff;
  const aH = a >>> 16;
  const mL = m & 0xffff;
  const mH = m >>> 16;
  const p01 = aL * mH;
  const p10 = aH * mL;
  const mid = ((aL * mL) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (aH * mH + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536)) >>> 0;
}

/**
 * Ten Philox rounds on `counter` (4 words) with `key` (2 words); writes 4 uint32 words into `out` at `offset`.
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  key: PhiloxKey,
  out: Uint32Array,
  offset = 0,
): void {
  let k0 = key[0] >>> 0;
  let k1 = key[1] >>> 0;
  let x0 = c0 >>> 0;
  let x1 = c1 >>> 0;
  let x2 = c2 >>> 0;
  let x3 = c3 >>> 0;
  for (let r = 0; r < 10; r++) {
    const lo0 = Math.imul(M0, x0) >>> 0;
    const lo1 = Math.imul(M1, x2) >>> 0;
    const y0 = (mulhi(M1, x2) ^ x1 ^ k0) >>> 0;
    const y2 = (mulhi(M0, x0) ^ x3 ^ k1) >>> 0;
    x0 = y0;
    x1 = lo1;
    x2 = y2;
    x3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[offset] = x0;
  out[offset + 1] = x1;
  out[offset + 2] = x2;
  out[offset + 3] = x3;
}

/**
 * Derives a Philox key from a seed: a safe non-negative integer (0 ≤ seed ≤ 2^53 − 1), split into its low and high
 * 32-bit words. Anything else (1.5, −1, 2^64, NaN, a string) is rejected, never mapped onto another seed's stream.
 */
export function keyFromSeed(seed: number): PhiloxKey {
  expectSeed('keyFromSeed', 'seed', seed);
  return [seed % 2 ** 32 >>> 0, Math.floor(seed / 2 ** 32) >>> 0];
}

/** uint32 -> float in (0, 1): (u + 0.5) / 2^32, never 0 or 1 so logs are finite. */
export function uint32ToUnit(u: number): number {
  return (u + 0.5) / 4294967296;
}

/**
 * Element `i` of a stream is word `i % 4` of Philox(counter = [i / 4, stream, 0, 0]). This is the layout the
 * GPU kernels use too, so `uniformArray(seed, n, stream)` equals the GPU's uniform tensor of size n.
 */
export function philoxWords(key: PhiloxKey, n: number, stream = 0, start = 0): Uint32Array {
  if (!Array.isArray(key) || key.length !== 2 || key.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
    throw invalidArgument('philoxWords', 'key', 'a [uint32, uint32] pair (see keyFromSeed)', key, 'type');
  }
  expectInteger('philoxWords', 'n', n, { max: 2 ** 32 });
  expectStream('philoxWords', 'stream', stream);
  expectInteger('philoxWords', 'start', start);
  const out = new Uint32Array(n);
  const block = new Uint32Array(4);
  let lastBlock = -1;
  for (let i = 0; i < n; i++) {
    const idx = start + i;
    const b = Math.floor(idx / 4);
    if (b !== lastBlock) {
      philox4x32(b % 2 ** 32, stream, Math.floor(b / 2 ** 32), 0, key, block);
      lastBlock = b;
    }
    out[i] = block[idx % 4]!;
  }
  return out;
}
