import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromSeed, philox4x32, philoxWords, uint32ToUnit } from './philox';

const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16).padStart(8, '0'));

describe('philox4x32', () => {
  // Known-answer vectors of Random123's kat_vectors for philox4x32_10 (counter, key -> output).
  it('matches the Random123 known answers', () => {
    const out = new Uint32Array(4);
    philox4x32(0, 0, 0, 0, [0, 0], out);
    expect(hex(out)).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    philox4x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, [0xffffffff, 0xffffffff], out);
    expect(hex(out)).toEqual(['408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd']);
    philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, [0xa4093822, 0x299f31d0], out);
    expect(hex(out)).toEqual(['d16cfe09', '94fdcceb', '5001e420', '24126ea1']);
  });

  // The float64 high-word multiply against exact BigInt arithmetic, on arbitrary counters and keys.
  it('equals a BigInt Philox 4x32-10 on arbitrary counters and keys', () => {
    const bigPhilox = (c: number[], k: number[]): number[] => {
      const M = [0xd2511f53n, 0xcd9e8d57n];
      const W = [0x9e3779b9n, 0xbb67ae85n];
      const mask = 0xffffffffn;
      let x = c.map(BigInt);
      let key = k.map(BigInt);
      for (let r = 0; r < 10; r++) {
        const p0 = M[0]! * x[0]!;
        const p1 = M[1]! * x[2]!;
        x = [((p1 >> 32n) ^ x[1]! ^ key[0]!) & mask, p1 & mask, ((p0 >> 32n) ^ x[3]! ^ key[1]!) & mask, p0 & mask];
        key = [(key[0]! + W[0]!) & mask, (key[1]! + W[1]!) & mask];
      }
      return x.map(Number);
    };
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(fc.array(u32, { minLength: 4, maxLength: 4 }), fc.array(u32, { minLength: 2, maxLength: 2 }), (c, k) => {
        const out = new Uint32Array(4);
        philox4x32(c[0]!, c[1]!, c[2]!, c[3]!, [k[0]!, k[1]!], out);
        expect(Array.from(out)).toEqual(bigPhilox(c, k));
      }),
      { numRuns: 500 },
    );
  });
});


describe('keyFromSeed', () => {
  it('splits a safe seed into its low and high 32-bit words (seed = lo + 2^32·hi)', () => {
    expect(keyFromSeed(0)).toEqual([0, 0]);
    expect(keyFromSeed(2 ** 32 - 1)).toEqual([0xffffffff, 0]);
    expect(keyFromSeed(2 ** 32)).toEqual([0, 1]);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (seed) => {
        const [lo, hi] = keyFromSeed(seed);
        expect(Number.isInteger(lo) && lo >= 0 && lo < 2 ** 32).toBe(true);
        expect(Number.isInteger(hi) && hi >= 0 && hi < 2 ** 21).toBe(true);
        // Exact in float64: both terms and the sum are below 2^53.
        expect(lo + 2 ** 32 * hi).toBe(seed);
      }),
      { numRuns: 300 },
    );
  });
});

describe('uint32ToUnit', () => {
  it('is (u + 0.5) / 2^32: strictly inside (0, 1) at both ends, increasing', () => {
    expect(uint32ToUnit(0)).toBe(2 ** -33);
    expect(uint32ToUnit(0xffffffff)).toBe(1 - 2 ** -33);
    expect(uint32ToUnit(0x80000000)).toBe(0.5 + 2 ** -33);
    // (u + 0.5) has at most 33 significant bits, so the float64 value is exact and strictly increasing in u.
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xfffffffe }), (u) => {
        expect(uint32ToUnit(u + 1) - uint32ToUnit(u)).toBe(2 ** -32);
      }),
      { numRuns: 200 },
    );
  });
});

describe('philoxWords', () => {
  /** Element i of stream s: word i % 4 of philox4x32(counter = [i / 4 mod 2^32, s, i / 2^34, 0]), written out plainly. */
  function referenceWords(key: readonly [number, number], n: number, stream: number, start: number): number[] {
    const out: number[] = [];
    const block = new Uint32Array(4);
    for (let i = start; i < start + n; i++) {
      const b = Math.floor(i / 4);
      philox4x32(b % 2 ** 32, stream, Math.floor(b / 2 ** 32), 0, key, block);
      out.push(block[i % 4]!);
    }
    return out;
  }

  it('lays element i out as word i % 4 of block i / 4 (counter word 1 = stream), for any start', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(u32, u32, u32, fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: 0, max: 13 }), (k0, k1, stream, start, n) => {
        expect(Array.from(philoxWords([k0, k1], n, stream, start))).toEqual(referenceWords([k0, k1], n, stream, start));
      }),
      { numRuns: 200 },
    );
  });

  it('reading from start equals the tail of a longer read; the block index carries into counter word 2 at 2^32 blocks', () => {
    const key = keyFromSeed(12345);
    const all = philoxWords(key, 40, 7);
    for (const start of [0, 1, 3, 4, 5, 17]) expect(Array.from(philoxWords(key, 40 - start, 7, start))).toEqual(Array.from(all.subarray(start)));
    const block = new Uint32Array(4);
    philox4x32(0, 7, 1, 0, key, block);
    expect(Array.from(philoxWords(key, 4, 7, 4 * 2 ** 32))).toEqual(Array.from(block));
    philox4x32(0xffffffff, 7, 0, 0, key, block);
    expect(Array.from(philoxWords(key, 4, 7, 4 * (2 ** 32 - 1)))).toEqual(Array.from(block));
  });

  it('rejects a key that is not a uint32 pair, and bad counts or offsets, naming the argument', () => {
    for (const bad of [[0], [0, 0, 0], [1.5, 0], [0, -1], [0, 2 ** 32], '00', null]) {
      expect(() => philoxWords(bad as unknown as [number, number], 4), JSON.stringify(bad)).toThrow(/philoxWords: key must be a \[uint32, uint32\] pair \(see keyFromSeed\)/);
    }
    expect(() => philoxWords([0, 0], -1)).toThrow(/philoxWords: n must be/);
    expect(() => philoxWords([0, 0], 2.5)).toThrow(/philoxWords: n must be/);
    expect(() => philoxWords([0, 0], 4, 0, -4)).toThrow(/philoxWords: start must be/);
    expect(() => philoxWords([0, 0], 4, 0, 0.5)).toThrow(/philoxWords: start must be/);
  });
});
