import { keyFromSeed, philox4x32, uint32ToUnit } from './philox';
import type { PhiloxKey } from './philox';
import { expectInteger, expectSeed, expectStream } from '../validate/index';

/** A seeded, splittable random number generator backed by Philox 4x32-10. */
export interface Rng {
  /** The seed this generator (or its parent) was created with. */
  readonly seed: number;
  /** Uniform in (0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller on two uniforms). */
  normal(): number;
  /** Standard Gumbel: -log(-log U). */
  gumbel(): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
  /** `n` uniforms in (0, 1) as float64. */
  uniformArray(n: number): Float64Array;
  /** `n` standard normals as float64. */
  normalArray(n: number): Float64Array;
  /** Fisher-Yates shuffle in place; returns the array. */
  shuffle<T>(arr: T[]): T[];
  /** An independent generator for sub-stream `id` (same seed, different Philox stream). */
  fork(id: number): Rng;
}

class PhiloxRng implements Rng {
  private counter = 0;
  private readonly buf = new Uint32Array(4);
  private pos = 4;
  private spare: number | null = null;

  constructor(
    readonly seed: number,
    private readonly key: PhiloxKey,
    private readonly stream: number,
  ) {}

  private nextU32(): number {
    if (this.pos === 4) {
      philox4x32(this.counter % 2 ** 32, this.stream >>> 0, Math.floor(this.counter / 2 ** 32), 0x5eed, this.key, this.buf);
      this.counter++;
      this.pos = 0;
    }
    return this.buf[this.pos++]!;
  }

  uniform(): number {
    return uint32ToUnit(this.nextU32());
  }

  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    const u1 = this.uniform();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.spare = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  gumbel(): number {
    return -Math.log(-Math.log(this.uniform()));
  }

  int(n: number): number {
    expectInteger('rng.int', 'n', n, { min: 1 });
    return Math.min(n - 1, Math.floor(this.uniform() * n));
  }

  uniformArray(n: number): Float64Array {
    expectInteger('rng.uniformArray', 'n', n, { max: 2 ** 31 });
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uniform();
    return out;
  }

  normalArray(n: number): Float64Array {
    expectInteger('rng.normalArray', 'n', n, { max: 2 ** 31 });
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }

  shuffle<T>(arr: T[]): T[] {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = arr[i]!;
      arr[i] = arr[j]!;
      arr[j] = t;
    }
    return arr;
  }

  fork(id: number): Rng {
    expectStream('rng.fork', 'id', id);
    // Streams of forks are derived by hashing (parent stream, id) through Philox itself.
    const h = new Uint32Array(4);
    philox4x32(this.stream >>> 0, id >>> 0, 0xf0f0, 0, this.key, h);
    return new PhiloxRng(this.seed, this.key, h[0]!);
  }
}

/**
 * A seeded CPU generator. The same seed gives the same numbers on every platform. `seed` must be a safe
 * non-negative integer and `stream` an integer in [0, 2^32); anything else throws.
 *
 * @example
 * const rng = createRng(42);
 * const x = rng.normalArray(1000);
 * const child = rng.fork(1); // independent stream
 */
export function createRng(seed: number, stream = 0): Rng {
  expectSeed('createRng', 'seed', seed);
  expectStream('createRng', 'stream', stream);
  return new PhiloxRng(seed, keyFromSeed(seed), stream);
}
