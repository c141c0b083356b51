import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { luceH, luceHBradleyTerry, luceHLimit, multinomialTermCount } from './luce';
import { arbCase } from './test-arbitraries';

// Every oracle below is exact algebra evaluated in float64 over a handful of terms: 1e-10 leaves
// room for the ~1e-14 rounding of the sums and for the quadrature's ~1e-13 relative error.
const TOL = 1e-10;

describe('luceH', () => {
  test.prop([arbCase()], { numRuns: 60 })('K = 1 or constant r gives H = 1', ({ p, r, K }) => {
    for (const h of luceH(p, r, { K: 1 })) expect(h).toBe(1);
    const flat = new Float64Array(r.length).fill(r[0]!);
    for (const h of luceH(p, flat, { K })) expect(Math.abs(h - 1)).toBeLessThan(TOL);
  });

  test.prop([arbCase(), fc.double({ min: -20, max: 20, noNaN: true })], { numRuns: 60 })('is invariant to r + c', ({ p, r, K }, c) => {
    const a = luceH(p, r, { K });
    const b = luceH(p, r.map((v) => v + c), { K });
    for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(TOL);
  });

  test.prop([arbCase(2, 5, 2, 6)], { numRuns: 80 })('0 < H < K, nondecreasing in r, and Σ p H = 1', ({ p, r, K }) => {
    const H = luceH(p, r, { K });
    let s = 0;
    for (let i = 0; i < p.length; i++) {
      expect(H[i]!).toBeGreaterThan(0);
      expect(H[i]!).toBeLessThan(K);
      s += p[i]! * H[i]!;
      for (let j = 0; j < p.length; j++) {
        if (r[i]! < r[j]!) expect(H[i]!).toBeLessThanOrEqual(H[j]! + TOL);
        if (r[i] === r[j]) expect(H[i]!).toBe(H[j]!);
      }
    }
    expect(Math.abs(s - 1)).toBeLessThan(TOL);
  });

  test.prop([arbCase(2, 5, 2, 2), fc.double({ min: 0.1, max: 3, noNaN: true })], { numRuns: 60 })(
    'K = 2 equals the Bradley–Terry sigmoid form',
    ({ p, r }, beta) => {
      const a = luceH(p, r, { K: 2, beta });
      const b = luceHBradleyTerry(p, r, beta);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThan(TOL);
    },
  );

  test.prop([arbCase(2, 4, 2, 7), fc.double({ min: 0.2, max: 10, noNaN: true })], { numRuns: 60 })(
    'the quadrature matches the exact multinomial sum (relative 1e-9), even for spread rewards',
    ({ p, r, K }, beta) => {
      const a = luceH(p, r, { K, beta, method: 'multinomial' });
      const b = luceH(p, r, { K, beta, method: 'quadrature' });
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!) / a[i]!).toBeLessThan(1e-9);
    },
  );

  // (K-1)·log Σ q_l exp(-w_l e^u) needs its log to a relative precision: computed as log(1 - S) in absolute terms it
  // lost everything past K ~ 1e15 (Σ pH = 1.37 at K = 1e16, H > K past 1e20).
  test.prop([arbCase(2, 4, 1, 1), fc.double({ min: 6, max: 300, noNaN: true }), fc.double({ min: 0.2, max: 5, noNaN: true })], { numRuns: 40 })(
    'huge K (1e6 … 1e300): the quadrature keeps Σ p·H = 1 and H < K, and approaches the K -> ∞ limit',
    ({ p, r }, log10K, beta) => {
      const K = Math.round(10 ** log10K); // an integer (every double past 2^53 is one)
      const h = luceH(p, r, { K, beta, method: 'quadrature' });
      let sum = 0;
      for (let i = 0; i < p.length; i++) sum += p[i]! * h[i]!;
      expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
      expect(Math.max(...h)).toBeLessThan(K);
      // The gap to the limit is O(1/K) (next test) with a constant that grows with β·(reward range) (~10 at
      // K = 1e6 for the least rewarded atoms): from K = 1e12 on it is far below 1e-5 relative.
      if (log10K < 12) return;
      const lim = luceHLimit(p, r, beta);
      for (let i = 0; i < p.length; i++) expect(Math.abs(h[i]! - lim[i]!)).toBeLessThanOrEqual(1e-5 * lim[i]!);
    },
  );

  it('approaches e^r / E[e^r] at rate O(1/K) (Lemma 2.1)', () => {
    const p = [0.1, 0.2, 0.3, 0.4];
    const r = [0, 0.5, 1, 2];
    const lim = luceHLimit(p, r);
    const gap = (K: number): number => {
      const h = luceH(p, r, { K });
      return Math.max(...h.map((v, i) => Math.abs(v - lim[i]!)));
    };
    const g = [10, 100, 1000, 10000].map(gap);
    // O(1/K): K·gap settles to a constant, so successive K·gap ratios tend to 1 and the gap keeps shrinking 10x.
    for (let i = 1; i < g.length; i++) {
      expect(g[i]!).toBeLessThan(g[i - 1]!);
      expect((10 * g[i]!) / g[i - 1]!).toBeGreaterThan(0.5);
      expect((10 * g[i]!) / g[i - 1]!).toBeLessThan(1.5);
    }
    expect(g[3]!).toBeLessThan(1e-3);
  });

  it('counts multinomial terms C(K+L-2, L-1)', () => {
    expect(multinomialTermCount(3, 5)).toBe(15);
    expect(multinomialTermCount(1, 9)).toBe(1);
    expect(multinomialTermCount(4, 1)).toBe(1);
  });

  it('rejects bad inputs with a message naming the argument', () => {
    expect(() => luceH([0.5, 0.5], [0, 1], { K: 0 })).toThrow(/K must be an integer >= 1/);
    expect(() => luceH([0.5, 0.5], [0, 1], { K: 2.5 })).toThrow(/K must be/);
    expect(() => luceH([0.5, 0.5], [0, NaN], { K: 2 })).toThrow(/r must be finite, got NaN at index 1/);
    expect(() => luceH([0.5, 0.6], [0, 1], { K: 2 })).toThrow(/p must sum to 1/);
    expect(() => luceH([0.5, 0.5], [0], { K: 2 })).toThrow(/r must have length 2/);
    expect(() => luceH([0.5, 0.5], [0, 1], { K: 2, beta: -1 })).toThrow(/luceH: beta must be a finite number >= 0, got -1/);
  });
});
