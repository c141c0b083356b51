import { describe, expect, it } from 'vitest';
import { checkAtomValues, checkDistribution } from './distribution-checks';

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
    expect(() => checkDistribution('f', 'p', [])).toThrow(RangeError);
    expect(() => checkDistribution('f', 'p', 'ab' as unknown as number[])).toThrow(TypeError);
  });
});

describe('checkAtomValues', () => {
  it('accepts arrays and typed arrays of one finite value per atom', () => {
    expect(() => checkAtomValues('f', 'r', Float32Array.of(1, 2), 2, 'one reward per atom of p')).not.toThrow();
    expect(() => checkAtomValues('f', 'r', [1, 2, 3], 3, 'one reward per atom of p')).not.toThrow();
  });

  it('names the wrong length, the bad entry or the wrong type', () => {
    expect(() => checkAtomValues('f', 'r', [1, 2], 3, 'one reward per atom of p')).toThrow(/^f: r must have length 3 \(one reward per atom of p\), got length 2$/);
    expect(() => checkAtomValues('f', 'r', [1, Infinity], 2, 'one reward per atom of p')).toThrow(/^f: r must be finite, got Infinity at index 1$/);
    expect(() => checkAtomValues('f', 'r', 3 as unknown as number[], 1, 'one reward per atom of p')).toThrow(/^f: r must be an array of numbers, got 3$/);
    // The length is checked before the entries.
    expect(() => checkAtomValues('f', 'r', [Number.NaN], 2, 'one reward per atom of p')).toThrow(/must have length 2/);
  });
});
