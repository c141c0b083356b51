import { describe, expect, it } from 'vitest';
import { keyFromSeed, philoxWords } from './philox';
import { createRng } from './rng';

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
