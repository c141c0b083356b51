import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { entropy, expectation, klDivergence, normalize, variance } from './discrete';
import { arbProbs } from './test-arbitraries';

// Sums of <= 8 terms of size <= ~10 (log ratios of entries >= 1e-3 / 8): rounding ~1e-14, so 1e-12 absolute is safe.
const TOL = 1e-12;

/** Two probability vectors on the same support. */
const arbPair = arbProbs(1, 8).chain((p) => fc.tuple(fc.constant(p), arbProbs(p.length, p.length)));

/** Values f on a support of n atoms. */
const arbValues = (n: number) => fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: n, maxLength: n });

describe('klDivergence', () => {
  test.prop([arbPair], { numRuns: 100 })('equals cross-entropy minus entropy, -sum p log q + sum p log p, and is >= 0', ([p, q]) => {
    let crossEntropy = 0;
    let negEntropy = 0;
    for (let i = 0; i < p.length; i++) {
      crossEntropy -= p[i]! * Math.log(q[i]!);
      negEntropy += p[i]! * Math.log(p[i]!);
    }
    const kl = klDivergence(p, q);
    expect(Math.abs(kl - Math.max(0, crossEntropy + negEntropy))).toBeLessThan(TOL);
    expect(kl).toBeGreaterThanOrEqual(0);
    expect(klDivergence(p, p)).toBe(0);
  });

  it('skips atoms where p = 0 and is Infinity where q = 0 < p', () => {
    // 0.5 log(0.5/0.25) twice: log 2.
    expect(Math.abs(klDivergence([0.5, 0.5, 0], [0.25, 0.25, 0.5]) - Math.log(2))).toBeLessThan(TOL);
    expect(klDivergence([0.5, 0.5], [1, 0])).toBe(Infinity);
    expect(klDivergence([1, 0], [0.5, 0.5])).toBeCloseTo(Math.log(2), 15);
  });

  it('rejects supports of different length by message', () => {
    expect(() => klDivergence([0.5, 0.5], [1])).toThrow(/^klDivergence: q must have length 2 \(same support as p\), got length 1$/);
  });
});

describe('entropy', () => {
  test.prop([arbProbs(1, 8)], { numRuns: 100 })('equals -sum p log p and lies in [0, log n]', (p) => {
    let ref = 0;
    for (const v of p) ref -= v * Math.log(v);
    const h = entropy(p);
    expect(Math.abs(h - ref)).toBeLessThan(TOL);
    expect(h).toBeGreaterThanOrEqual(-TOL);
    expect(h).toBeLessThanOrEqual(Math.log(p.length) + TOL);
  });

  it('is log n for the uniform vector, 0 for a point mass, and ignores empty atoms', () => {
    expect(Math.abs(entropy([0.25, 0.25, 0.25, 0.25]) - Math.log(4))).toBeLessThan(TOL);
    expect(entropy([0, 1, 0])).toBe(0);
    expect(entropy([0.5, 0, 0.5])).toBeCloseTo(Math.log(2), 15);
  });

  it('rejects a vector that does not sum to 1 by message', () => {
    expect(() => entropy([0.5, 0.6])).toThrow(/^entropy: p must sum to 1 \(within 0.000001\), got sum 1.1$/);
  });
});

describe('expectation and variance', () => {
  test.prop([arbProbs(1, 8).chain((p) => fc.tuple(fc.constant(p), arbValues(p.length)))], { numRuns: 100 })(
    'E[f] = sum p f and Var[f] = E[f^2] - E[f]^2 (float64 reference)',
    ([p, f]) => {
      let m = 0;
      let m2 = 0;
      for (let i = 0; i < p.length; i++) {
        m += p[i]! * f[i]!;
        m2 += p[i]! * f[i]! * f[i]!;
      }
      expect(Math.abs(expectation(p, f) - m)).toBeLessThan(TOL);
      const v = variance(p, f);
      // The one-pass form cancels: its error is ~eps * E[f^2] <= 1e-14, so 1e-12 (+ relative) holds.
      expect(Math.abs(v - (m2 - m * m))).toBeLessThan(TOL * Math.max(1, m2));
      expect(v).toBeGreaterThanOrEqual(0);
    },
  );

  it('is exact on a small case', () => {
    expect(expectation([0.25, 0.75], [4, 8])).toBe(7);
    expect(variance([0.25, 0.75], [4, 8])).toBe(3);
    expect(variance([1], [5])).toBe(0);
  });

  it('rejects mismatched lengths and non-finite values by message, naming the caller', () => {
    expect(() => expectation([0.5, 0.5], [1])).toThrow(/^expectation: f must have length 2 \(one value per atom of p\), got length 1$/);
    expect(() => variance([0.5, 0.5], [1])).toThrow(/^variance: f must have length 2/);
    expect(() => variance([0.5, 0.5], [1, Infinity])).toThrow(/^variance: f must be finite, got Infinity at index 1$/);
  });
});

describe('normalize', () => {
  test.prop([fc.array(fc.double({ min: 1e-3, max: 100, noNaN: true }), { minLength: 1, maxLength: 20 })], { numRuns: 100 })(
    'divides in place by the sum: ratios kept, total 1',
    (w) => {
      const p = Float64Array.from(w);
      const total = w.reduce((a, b) => a + b, 0);
      const out = normalize(p);
      expect(out).toBe(p);
      let s = 0;
      for (let i = 0; i < w.length; i++) {
        s += out[i]!;
        // One division each: 1 ulp.
        expect(Math.abs(out[i]! - w[i]! / total)).toBeLessThanOrEqual(Number.EPSILON * (w[i]! / total));
      }
      // 20 terms summed: 20 eps.
      expect(Math.abs(s - 1)).toBeLessThan(20 * Number.EPSILON);
    },
  );
});
