/**
 * The one random stream of this package's Monte Carlo: the standard normals of `@lemma/gpu-kernels`' Philox streams,
 * in the Box-Muller convention of its `randomNormal` kernel, so the CPU and the WGSL simulators draw the same numbers.
 *
 * Element i of stream `stream` of `seed` comes from Philox 4x32-10 block n = floor(i / 4) (counter
 * [n mod 2^32, stream, floor(n / 2^32), 0], key `keyFromSeed(seed)`): with the block's words w0..w3 turned into
 * float32-exact uniforms u_j = ((w_j >>> 9) + 0.5) / 2^23, elements 4n .. 4n+3 are
 * r0 cos(2 pi u1), r0 sin(2 pi u1), r1 cos(2 pi u3), r1 sin(2 pi u3) with r0 = sqrt(-2 ln u0), r1 = sqrt(-2 ln u2).
 * Here they are computed in float64 (the GPU does the same in float32, so the two agree to a few float32 ulps).
 */
import { expectInteger, expectSeed, expectStream, keyFromSeed, philox4x32, type PhiloxKey } from '@lemma/gpu-kernels';

const INV23 = 1 / 8388608;
const TWO32 = 4294967296;
// cos/sin(2 pi u) for u = (m + 0.5) / 2^23 split as m = hi 2^11 + lo: one angle addition instead of Math.cos + Math.sin
// (4x faster in V8), equal to them within 4e-16.
const COS_HI = new Float64Array(4096);
const SIN_HI = new Float64Array(4096);
const COS_LO = new Float64Array(2048);
const SIN_LO = new Float64Array(2048);
for (let h = 0; h < 4096; h++) {
  COS_HI[h] = Math.cos((2 * Math.PI * h) / 4096);
  SIN_HI[h] = Math.sin((2 * Math.PI * h) / 4096);
}
for (let l = 0; l < 2048; l++) {
  COS_LO[l] = Math.cos((2 * Math.PI * (l + 0.5)) / 8388608);
  SIN_LO[l] = Math.sin((2 * Math.PI * (l + 0.5)) / 8388608);
}

/** A reproducible standard-normal stream: element i of Philox stream `stream` of `seed` (see the module doc). */
export class NormalStream {
  private readonly key: PhiloxKey;
  private readonly stream: number;
  private readonly words = new Uint32Array(4);
  private readonly z = new Float64Array(4);
  // Next block's counter words 0 and 2, and the position inside the current block (4: none drawn yet).
  private c0 = 0;
  private c2 = 0;
  private pos = 4;

  /** Stream `stream` (an integer in [0, 2^32)) of `seed` (a safe non-negative integer), positioned at element 0. */
  constructor(seed: number, stream = 0) {
    expectSeed('NormalStream', 'seed', seed);
    this.stream = expectStream('NormalStream', 'stream', stream);
    this.key = keyFromSeed(seed);
  }

  /**
   * Moves to element page * 2^34 + offset (page < 2^32, offset < 2^34), i.e. Philox block counter words
   * c2 = page, c0 = floor(offset / 4): the simulators give each step its own page.
   */
  seek(page: number, offset = 0): this {
    expectInteger('NormalStream.seek', 'page', page, { max: TWO32 - 1 });
    expectInteger('NormalStream.seek', 'offset', offset, { max: 4 * TWO32 - 1 });
    this.c0 = Math.floor(offset / 4);
    this.c2 = page;
    this.pos = 4;
    const skip = offset % 4;
    if (skip > 0) {
      this.block();
      this.pos = skip;
    }
    return this;
  }

  /** Draws the next block's four normals into `z` and advances the counter (c2 carries c0's overflow). */
  private block(): void {
    const w = this.words;
    const z = this.z;
    philox4x32(this.c0, this.stream, this.c2, 0, this.key, w);
    if (++this.c0 === TWO32) {
      this.c0 = 0;
      this.c2++;
    }
    boxMuller4(w, z, 0);
    this.pos = 0;
  }

  /** One standard normal. */
  normal(): number {
    if (this.pos === 4) this.block();
    return this.z[this.pos++]!;
  }

  /** Fills `out[0..n)` with the next n normals. */
  fill(out: Float64Array, n = out.length): void {
    let i = 0;
    while (i < n && this.pos < 4) out[i++] = this.z[this.pos++]!;
    const w = this.words;
    // Whole blocks straight into `out`.
    for (; i + 4 <= n; i += 4) {
      philox4x32(this.c0, this.stream, this.c2, 0, this.key, w);
      if (++this.c0 === TWO32) {
        this.c0 = 0;
        this.c2++;
      }
      boxMuller4(w, out, i);
    }
    while (i < n) out[i++] = this.normal();
  }

  /**
   * Fused feature draw for the Monte Carlo hot loop: f[k] = scale[k] * z_k with the next n normals z, returning
   * sum_k f[k] * w[k] (one pass instead of fill + scale + dot).
   */
  scaledDot(f: Float64Array, scale: Float64Array, w: Float64Array, n: number): number {
    let r = 0;
    let i = 0;
    while (i < n && this.pos < 4) {
      const fk = scale[i]! * this.z[this.pos++]!;
      f[i] = fk;
      r += fk * w[i]!;
      i++;
    }
    const z = this.z;
    const words = this.words;
    for (; i + 4 <= n; i += 4) {
      philox4x32(this.c0, this.stream, this.c2, 0, this.key, words);
      if (++this.c0 === TWO32) {
        this.c0 = 0;
        this.c2++;
      }
      boxMuller4(words, z, 0);
      const f0 = scale[i]! * z[0]!;
      const f1 = scale[i + 1]! * z[1]!;
      const f2 = scale[i + 2]! * z[2]!;
      const f3 = scale[i + 3]! * z[3]!;
      f[i] = f0;
      f[i + 1] = f1;
      f[i + 2] = f2;
      f[i + 3] = f3;
      r += f0 * w[i]! + f1 * w[i + 1]! + f2 * w[i + 2]! + f3 * w[i + 3]!;
    }
    for (; i < n; i++) {
      const fk = scale[i]! * this.normal();
      f[i] = fk;
      r += fk * w[i]!;
    }
    return r;
  }
}

/** Box-Muller on one Philox block (gpu-kernels' randomNormal convention) into out[o .. o+4). */
function boxMuller4(w: Uint32Array, out: Float64Array, o: number): void {
  const r0 = Math.sqrt(-2 * Math.log(((w[0]! >>> 9) + 0.5) * INV23));
  const r1 = Math.sqrt(-2 * Math.log(((w[2]! >>> 9) + 0.5) * INV23));
  const m1 = w[1]! >>> 9;
  const m3 = w[3]! >>> 9;
  const h1 = m1 >>> 11, l1 = m1 & 2047, h3 = m3 >>> 11, l3 = m3 & 2047;
  out[o] = r0 * (COS_HI[h1]! * COS_LO[l1]! - SIN_HI[h1]! * SIN_LO[l1]!);
  out[o + 1] = r0 * (SIN_HI[h1]! * COS_LO[l1]! + COS_HI[h1]! * SIN_LO[l1]!);
  out[o + 2] = r1 * (COS_HI[h3]! * COS_LO[l3]! - SIN_HI[h3]! * SIN_LO[l3]!);
  out[o + 3] = r1 * (SIN_HI[h3]! * COS_LO[l3]! + COS_HI[h3]! * SIN_LO[l3]!);
}
