import { describe, expect, it } from 'vitest';
import {
  checkAllFinite,
  checkBeta,
  checkDistribution,
  checkFinite,
  checkInteger,
  checkIntegerAtMost,
  checkK,
  checkLength,
  checkOptions,
  checkRatio,
  checkSampleCount,
  MAX_SAMPLE_VALUES,
} from './argument-checks';

describe('integer checks', () => {
  it('checkInteger returns integers >= min and names what came by type', () => {
    expect(checkInteger('f', 'k', 3, 1)).toBe(3);
    expect(checkInteger('f', 'k', 0, 0)).toBe(0);
    expect(checkInteger('f', 'k', 1e15, 1)).toBe(1e15);
    expect(() => checkInteger('f', 'k', 0.5, 1)).toThrow(/^f: k must be an integer >= 1, got 0.5$/);
    expect(() => checkInteger('f', 'k', 0, 1)).toThrow(/^f: k must be an integer >= 1, got 0$/);
    expect(() => checkInteger('f', 'k', '3', 1)).toThrow(/^f: k must be an integer >= 1, got string$/);
  });

  it('checkIntegerAtMost adds the cap and says where it comes from', () => {
    expect(checkIntegerAtMost('f', 'k', 64, 1, 64, 'depth of the MLP')).toBe(64);
    expect(() => checkIntegerAtMost('f', 'k', 65, 1, 64, 'depth of the MLP')).toThrow(/^f: k must be an integer in \[1, 64\] \(depth of the MLP\), got 65$/);
    expect(() => checkIntegerAtMost('f', 'k', 0, 1, 64, 'depth of the MLP')).toThrow(/^f: k must be an integer >= 1, got 0$/);
  });

  it('checkK takes Infinity only where allowed', () => {
    expect(checkK('f', 4)).toBe(4);
    expect(checkK('f', Infinity, true)).toBe(Infinity);
    expect(() => checkK('f', Infinity)).toThrow(/^f: K must be an integer >= 1, got Infinity$/);
    expect(() => checkK('f', 0, true)).toThrow(/^f: K must be an integer >= 1 or Infinity, got 0$/);
  });

  it('checkSampleCount caps n at floor(2^27 / dim)', () => {
    expect(MAX_SAMPLE_VALUES).toBe(2 ** 27);
    expect(checkSampleCount('f', 'n', 2 ** 26, 2)).toBe(2 ** 26);
    expect(checkSampleCount('f', 'n', 0, 3)).toBe(0);
    expect(() => checkSampleCount('f', 'n', 2 ** 26 + 1, 2)).toThrow(/^f: n must be an integer in \[0, 67108864\] \(n × dim=2 values must stay <= 2\^27\), got 67108865$/);
    expect(() => checkSampleCount('f', 'n', 44739243, 3)).toThrow(/f: n must be an integer in \[0, 44739242\]/);
  });
});

describe('number checks', () => {
  it('checkFinite returns finite numbers and applies an inclusive or exclusive minimum', () => {
    expect(checkFinite('f', 'x', -2.5)).toBe(-2.5);
    expect(checkFinite('f', 'x', 0, { min: 0 })).toBe(0);
    expect(() => checkFinite('f', 'x', Number.NaN)).toThrow(/^f: x must be a finite number, got NaN$/);
    expect(() => checkFinite('f', 'x', 'a')).toThrow(/^f: x must be a finite number, got string$/);
    expect(() => checkFinite('f', 'x', -1, { min: 0 })).toThrow(/^f: x must be >= 0, got -1$/);
    expect(() => checkFinite('f', 'x', 0, { min: 0, exclusiveMin: true })).toThrow(/^f: x must be > 0, got 0$/);
  });

  it('checkBeta is a finite number >= 0; checkRatio a number in [0, Infinity]', () => {
    expect(checkBeta('f', 0)).toBe(0);
    expect(() => checkBeta('f', -1)).toThrow(/^f: beta must be >= 0, got -1$/);
    expect(() => checkBeta('f', Infinity)).toThrow(/^f: beta must be a finite number, got Infinity$/);
    expect(checkRatio('f', Infinity)).toBe(Infinity);
    expect(checkRatio('f', 0)).toBe(0);
    expect(() => checkRatio('f', -1)).toThrow(/^f: syntheticToRealRatio must be a number in \[0, Infinity\] \(synthetic count \/ real count; 0 = real data only, Infinity = curated only\), got -1$/);
    expect(() => checkRatio('f', Number.NaN)).toThrow(/^f: syntheticToRealRatio must be a number in \[0, Infinity\].*got NaN$/);
  });
});

describe('array and option checks', () => {
  it('checkAllFinite and checkLength accept arrays and typed arrays and name the bad entry or length', () => {
    expect(() => checkAllFinite('f', 'a', Float32Array.of(1, 2))).not.toThrow();
    expect(() => checkAllFinite('f', 'a', [1, Infinity])).toThrow(/^f: a must be finite, got Infinity at index 1$/);
    expect(() => checkAllFinite('f', 'a', 3 as unknown as number[])).toThrow(/^f: a must be an array of numbers, got 3$/);
    expect(() => checkLength('f', 'a', [1, 2, 3], 3, 'one reward per atom of p')).not.toThrow();
    expect(() => checkLength('f', 'a', [1, 2], 3, 'one reward per atom of p')).toThrow(/^f: a must have length 3 \(one reward per atom of p\), got length 2$/);
  });

  it('checkOptions returns the options and rejects unknown keys and non-objects', () => {
    const o = { a: 1 };
    expect(checkOptions('f', 'options', o, ['a', 'b'])).toBe(o);
    expect(() => checkOptions('f', 'options', { a: 1, zz: 2 }, ['a', 'b'])).toThrow(/^f: unknown option 'zz' in options \(allowed: a, b\)$/);
    expect(() => checkOptions('f', 'options', 5, ['a'])).toThrow(/^f: options must be an options object, got 5$/);
    expect(() => checkOptions('f', 'options', undefined, ['a'])).toThrow(/^f: options must be an options object, got undefined$/);
  });
});

describe('checkDistribution', () => {
  it('returns a float64 copy renormalised by its sum', () => {
    const p = [0.2, 0.3, 0.5000001];
    const q = checkDistribution('f', 'p', p);
    expect(q).toBeInstanceOf(Float64Array);
    const s = p[0]! + p[1]! + p[2]!;
    // One division each by the same left-to-right sum: 1 ulp.
    q.forEach((v, i) => expect(Math.abs(v - p[i]! / s)).toBeLessThanOrEqual(Number.EPSILON * v));
    expect(Math.abs(q[0]! + q[1]! + q[2]! - 1)).toBeLessThanOrEqual(4 * Number.EPSILON);
    expect(Array.from(checkDistribution('f', 'p', [0, 1]))).toEqual([0, 1]);
    q[0] = 9;
    expect(p[0]).toBe(0.2);
  });

  it('rejects empty, negative, non-finite and unnormalised vectors by message, with a custom tolerance', () => {
    expect(() => checkDistribution('f', 'p', [])).toThrow(/^f: p must be a non-empty probability vector, got length 0$/);
    expect(() => checkDistribution('f', 'p', [0.5, -0.1, 0.6])).toThrow(/^f: p must be non-negative and finite, got -0.1 at index 1$/);
    expect(() => checkDistribution('f', 'p', [Number.NaN, 1])).toThrow(/^f: p must be non-negative and finite, got NaN at index 0$/);
    expect(() => checkDistribution('f', 'p', [0.5, 0.4])).toThrow(/^f: p must sum to 1 \(within 0.000001\), got sum 0.9$/);
    expect(() => checkDistribution('f', 'p', [0.5, 0.49], 0.1)).not.toThrow();
    expect(() => checkDistribution('f', 'p', 'ab' as unknown as number[])).toThrow(/^f: p must be an array of numbers, got string$/);
  });
});
