import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyFromSeed, philox4x32, philoxWords } from './philox';
import { createRng } from './rng';

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

describe('createRng', () => {
  it('is reproducible per seed, forks are independent streams, and validates its arguments', () => {
    const a = createRng(42).uniformArray(8);
    expect(createRng(42).uniformArray(8)).toEqual(a);
    expect(createRng(43).uniformArray(8)).not.toEqual(a);
    expect(createRng(42).fork(1).uniformArray(8)).not.toEqual(a);
    expect(() => createRng(1).int(0)).toThrow(/positive integer/);
    expect(() => createRng(Number.NaN)).toThrow(/createRng: seed must be a safe non-negative integer .*, got NaN/);
  });

  it('accepts only safe non-negative integer seeds and uint32 streams (never maps one seed onto another)', () => {
    for (const bad of [1.5, -1, 2 ** 64, 2 ** 53, Number.NaN, Infinity, '1', null]) {
      expect(() => createRng(bad as number), String(bad)).toThrow(/createRng: seed must be a safe non-negative integer/);
      expect(() => keyFromSeed(bad as number), String(bad)).toThrow(/keyFromSeed: seed must be/);
    }
    for (const bad of [1.5, -1, 2 ** 32, Number.NaN, 'a']) {
      expect(() => createRng(0, bad as number), String(bad)).toThrow(/createRng: stream must be an integer in \[0, 2\^32\)/);
      expect(() => createRng(0).fork(bad as number), String(bad)).toThrow(/rng.fork: id must be/);
      expect(() => philoxWords([0, 0], 4, bad as number), String(bad)).toThrow(/philoxWords: stream must be/);
    }
    // The largest safe seed keeps its high word: 2^53 - 1 and 2^32 - 1 differ.
    expect(keyFromSeed(Number.MAX_SAFE_INTEGER)).toEqual([0xffffffff, 0x1fffff]);
    expect(createRng(2 ** 32).uniformArray(4)).not.toEqual(createRng(0).uniformArray(4));
  });

  it('uniform and normal moments are within 5 standard errors (n = 20000)', () => {
    const n = 20000;
    const u = createRng(7).uniformArray(n);
    const z = createRng(8).normalArray(n);
    const mean = (x: Float64Array) => x.reduce((s, v) => s + v, 0) / x.length;
    const mu = mean(u);
    const mz = mean(z);
    const vz = z.reduce((s, v) => s + (v - mz) ** 2, 0) / (n - 1);
    expect(Math.abs(mu - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(mz)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(vz - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
  });
});
