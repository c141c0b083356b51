/**
 * A reproducible standard-normal stream on the CPU: the Box-Muller normals of Philox streams, in the convention of
 * the `randomNormal` kernel and of `philoxNormal4` in PHILOX_WGSL, so CPU and WGSL code given the same seed, stream and
 * element index draw the same numbers (the GPU computes them in float32, so the two agree to a few float32 ulps).
 *
 * Element i of stream `stream` of `seed` comes from Philox 4x32-10 block n = floor(i / 4) (counter
 * [n mod 2^32, stream, floor(n / 2^32), 0], key `keyFromSeed(seed)`): with the block's words w0..w3 turned into
 * float32-exact uniforms u_j = ((w_j >>> 9) + 0.5) / 2^23, elements 4n .. 4n+3 are
 * r0 cos(2 pi u1), r0 sin(2 pi u1), r1 cos(2 pi u3), r1 sin(2 pi u3) with r0 = sqrt(-2 ln u0), r1 = sqrt(-2 ln u2),
 * computed in float64 (box-muller.ts). The blocks are generated in bulk by a WebAssembly SIMD module (normal-wasm.ts),
 * or in JavaScript where that cannot run; both give the same bits.
 */
import { expectInteger, expectSeed, expectStream } from '../validate/index';
import { boxMuller4 } from './box-muller';
import { normalBlocksWasm, WASM_CHUNK_BLOCKS, type NormalBlocks } from './normal-wasm';
import { keyFromSeed, philox4x32 } from './philox';

const TWO32 = 4294967296;
const CHUNK = WASM_CHUNK_BLOCKS;

/** The JavaScript generator (philox4x32 + boxMuller4), with the WebAssembly one's contract. */
export function normalBlocksJs(): NormalBlocks {
  const out = new Float64Array(4 * CHUNK);
  const w = new Uint32Array(4);
  return {
    out,
    generate(nBlocks, c0, c1, c2, k0, k1) {
      const key = [k0 >>> 0, k1 >>> 0] as const;
      for (let b = 0; b < nBlocks; b++) {
        philox4x32(c0 + b, c1, c2, 0, key, w);
        boxMuller4(w, out, 4 * b);
      }
    },
  };
}

let generator: NormalBlocks | undefined;
const blocks = (): NormalBlocks => (generator ??= normalBlocksWasm() ?? normalBlocksJs());

/** A reproducible standard-normal stream: element i of Philox stream `stream` of `seed` (see the module doc). */
export class NormalStream {
  private readonly k0: number;
  private readonly k1: number;
  private readonly stream: number;
  private readonly gen = blocks();
  // Whole blocks generated ahead (for normal() and the ends of fill/scaledDot), read from `pos` up to `len`.
  private readonly z = new Float64Array(16);
  private pos = 0;
  private len = 0;
  // Counter words 0 and 2 of the first block not yet generated.
  private c0 = 0;
  private c2 = 0;

  /** Stream `stream` (an integer in [0, 2^32)) of `seed` (a safe non-negative integer), positioned at element 0. */
  constructor(seed: number, stream = 0) {
    expectSeed('NormalStream', 'seed', seed);
    this.stream = expectStream('NormalStream', 'stream', stream);
    [this.k0, this.k1] = keyFromSeed(seed);
  }

  /**
   * Moves to element page * 2^34 + offset (page < 2^32, offset < 2^34), i.e. Philox block counter words
   * c2 = page, c0 = floor(offset / 4): a simulator can give each step its own page.
   */
  seek(page: number, offset = 0): this {
    expectInteger('NormalStream.seek', 'page', page, { max: TWO32 - 1 });
    expectInteger('NormalStream.seek', 'offset', offset, { max: 4 * TWO32 - 1 });
    this.c0 = Math.floor(offset / 4);
    this.c2 = page;
    this.pos = 0;
    this.len = 0;
    const skip = offset % 4;
    if (skip > 0) {
      this.refill();
      this.pos = skip;
    }
    return this;
  }

  /** Generates the next `nb` blocks (nb <= CHUNK, c0 + nb <= 2^32) into `gen.out`; c2 carries c0's overflow. */
  private advance(nb: number): void {
    this.gen.generate(nb, this.c0, this.stream, this.c2, this.k0, this.k1);
    this.c0 += nb;
    if (this.c0 === TWO32) {
      this.c0 = 0;
      this.c2++;
    }
  }

  /** Blocks the next bulk step may generate: at most `want`, one chunk, and none past c0 = 2^32. */
  private span(want: number): number {
    return Math.min(want, CHUNK, TWO32 - this.c0);
  }

  /** Buffers the next (up to four) blocks. */
  private refill(): void {
    const nb = this.span(4);
    this.advance(nb);
    this.z.set(this.gen.out.subarray(0, 4 * nb));
    this.pos = 0;
    this.len = 4 * nb;
  }

  /** One standard normal. */
  normal(): number {
    if (this.pos === this.len) this.refill();
    return this.z[this.pos++]!;
  }

  /** Fills `out[0..n)` with the next n normals (a Float32Array gets them rounded to float32). */
  fill(out: Float64Array | Float32Array, n = out.length): void {
    let i = 0;
    while (i < n && this.pos < this.len) out[i++] = this.z[this.pos++]!;
    const g = this.gen.out;
    while (n - i >= 4) {
      const nb = this.span(Math.floor((n - i) / 4));
      this.advance(nb);
      out.set(g.subarray(0, 4 * nb), i);
      i += 4 * nb;
    }
    while (i < n) out[i++] = this.normal();
  }

  /**
   * Fused feature draw for Monte Carlo hot loops: f[k] = scale[k] * z_k with the next n normals z, returning
   * sum_k f[k] * w[k] (one pass instead of fill + scale + dot). The sum adds single terms up to the next block
   * boundary, then one (f0 w0 + f1 w1 + f2 w2 + f3 w3) per whole block, then single terms: its rounding depends only
   * on the stream position and n.
   */
  scaledDot(f: Float64Array, scale: Float64Array, w: Float64Array, n: number): number {
    let r = 0;
    let i = 0;
    const z = this.z;
    while (i < n && this.pos < this.len && (this.pos & 3) !== 0) {
      const fk = scale[i]! * z[this.pos++]!;
      f[i] = fk;
      r += fk * w[i]!;
      i++;
    }
    // Whole buffered blocks, then whole generated blocks chunk by chunk, then single terms.
    while (n - i >= 4 && this.pos < this.len) {
      r += this.block4(f, scale, w, i, z, this.pos);
      this.pos += 4;
      i += 4;
    }
    const g = this.gen.out;
    while (n - i >= 4) {
      const nb = this.span(Math.floor((n - i) / 4));
      this.advance(nb);
      for (let o = 0; o < 4 * nb; o += 4, i += 4) r += this.block4(f, scale, w, i, g, o);
    }
    for (; i < n; i++) {
      const fk = scale[i]! * this.normal();
      f[i] = fk;
      r += fk * w[i]!;
    }
    return r;
  }

  /** One whole block of scaledDot from src[o .. o+4): stores f[i .. i+4), returns its (f0 w0 + f1 w1 + f2 w2 + f3 w3). */
  private block4(f: Float64Array, scale: Float64Array, w: Float64Array, i: number, src: Float64Array, o: number): number {
    const f0 = scale[i]! * src[o]!;
    const f1 = scale[i + 1]! * src[o + 1]!;
    const f2 = scale[i + 2]! * src[o + 2]!;
    const f3 = scale[i + 3]! * src[o + 3]!;
    f[i] = f0;
    f[i + 1] = f1;
    f[i + 2] = f2;
    f[i + 3] = f3;
    return f0 * w[i]! + f1 * w[i + 1]! + f2 * w[i + 2]! + f3 * w[i + 3]!;
  }
}
