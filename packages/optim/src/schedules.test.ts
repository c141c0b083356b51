import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { binomial } from './reference';
import {
  ademamixAlpha,
  ademamixBeta3,
  betaFromHalfLife,
  dampingFactor,
  halfLife,
  linearDecay,
  logTimeBeta,
  logTimeCoefficient,
  logTimeEmaWeights,
  logTimeWeightDecay,
  warmupCosine,
} from './schedules';

const delta = fc.double({ min: 0.5, max: 64, noNaN: true });

describe('log-time EMA coefficient', () => {
  test.prop([delta, fc.integer({ min: 1, max: 1e6 })], { numRuns: 50 })(
    '1 - beta(t) is in (0, 1) and strictly decreasing',
    (d, t) => {
      const a = logTimeCoefficient(t, d);
      expect(a).toBeGreaterThan(0);
      expect(a).toBeLessThan(1);
      expect(logTimeCoefficient(t + 1, d)).toBeLessThan(a);
    },
  );

  test.prop([delta], { numRuns: 30 })('beta(t) -> 1 like 1 - delta/t', (d) => {
    const t = 1e9;
    expect(1 - logTimeBeta(t, d)).toBeCloseTo(d / t, 12);
  });

  it('zero-based count gives exactly 1 at the first step (optax convention)', () => {
    expect(logTimeCoefficient(1, 8, true)).toBe(1);
    expect(logTimeCoefficient(2, 8, true)).toBe(8 / 9);
  });

  test.prop([fc.integer({ min: 1, max: 16 }), fc.integer({ min: 50, max: 2000 })], { numRuns: 30 })(
    'mean age of the EMA weights over T steps is T/(delta+1)',
    (d, T) => {
      const w = logTimeEmaWeights(T, d);
      let sum = 0;
      let age = 0;
      for (let s = 1; s <= T; s++) {
        sum += w[s - 1]!;
        age += (T - s) * w[s - 1]!;
      }
      // Weights sum to 1 − 1/C(T+δ, δ) (the tail on the zero init); the normalised mean age is exact up to that.
      expect(sum).toBeCloseTo(1 - 1 / binomial(T + d, d), 12);
      // Normalised mean age = T/(δ+1)·(1 − δ/C(T+δ, δ) + O(C⁻²)): checked exactly in rationals for small T.
      expect(Math.abs(age / sum / (T / (d + 1)) - 1)).toBeLessThanOrEqual((d + 1) / binomial(T + d, d) + 1e-12);
    },
  );

  test.prop([fc.integer({ min: 2, max: 12 }), fc.integer({ min: 100, max: 1000 })], { numRuns: 20 })(
    'an impulse decays as a power law with log-log slope -delta (Adam: geometric)',
    (d, s) => {
      // m_t/m_s = Π_{j=s+1..t} j/(δ+j); fit the slope of log ratio vs log(t/s) between t = 10s and 100s.
      const logRatio = (t: number): number => {
        let acc = 0;
        for (let j = s + 1; j <= t; j++) acc += Math.log(1 - logTimeCoefficient(j, d));
        return acc;
      };
      const slope = (logRatio(100 * s) - logRatio(10 * s)) / Math.log(10);
      expect(slope).toBeCloseTo(-d, 1);
      // A constant-β EMA with the same initial coefficient forgets geometrically: its log-log slope keeps steepening.
      const beta = 1 - logTimeCoefficient(s, d);
      const geo = (t: number): number => (t - s) * Math.log(beta);
      expect((geo(100 * s) - geo(10 * s)) / Math.log(10)).toBeLessThan(-10 * d);
    },
  );
});

describe('weight decay and damping', () => {
  test.prop([fc.double({ min: 0, max: 10, noNaN: true }), fc.integer({ min: 10, max: 1e6 }), fc.integer({ min: 0, max: 1e6 })], {
    numRuns: 50,
  })('lambda(t) = omega/(T/10 + t) is non-increasing', (omega, T, t) => {
    const lam = logTimeWeightDecay({ omega, totalSteps: T });
    expect(lam(t + 1)).toBeLessThanOrEqual(lam(t));
    expect(lam(t)).toBeCloseTo(omega / (T / 10 + t), 12);
  });

  test.prop([fc.double({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 1, max: 1e5 })], { numRuns: 50 })(
    'damping (1+t)^(1-kappa) is >= 1 and non-decreasing in t',
    (kappa, t) => {
      expect(dampingFactor(t, kappa)).toBeGreaterThanOrEqual(1);
      expect(dampingFactor(t + 1, kappa)).toBeGreaterThanOrEqual(dampingFactor(t, kappa));
    },
  );

  it('rejects kappa outside [0, 1] and delta <= 0 naming the argument', () => {
    expect(() => dampingFactor(1, 1.5)).toThrow(/kappa must be in \[0, 1\], got 1.5/);
    expect(() => logTimeCoefficient(1, 0)).toThrow(/delta must be a finite number > 0, got 0/);
    expect(() => logTimeCoefficient(1, Number.NaN)).toThrow(/delta/);
  });
});

describe('learning-rate schedules', () => {
  test.prop([fc.integer({ min: 50, max: 5000 }), fc.double({ min: 0, max: 0.5, noNaN: true })], { numRuns: 40 })(
    'warmup+cosine: rises to 1 during warm-up, then non-increasing to the floor',
    (T, floor) => {
      const s = warmupCosine({ totalSteps: T, floor });
      const w = Math.round(T / 50);
      let prev = Infinity;
      for (let t = w; t <= T + 5; t += Math.max(1, Math.floor(T / 97))) {
        const v = s(t);
        expect(v).toBeLessThanOrEqual(prev + 1e-12);
        expect(v).toBeGreaterThanOrEqual(floor - 1e-12);
        prev = v;
      }
      expect(s(w)).toBeCloseTo(1, 12);
      expect(s(T)).toBeCloseTo(floor, 12);
      if (w > 1) expect(s(0)).toBeCloseTo(0.01, 12);
    },
  );

  it('linear decay hits its end points', () => {
    const s = linearDecay({ totalSteps: 100, warmupSteps: 10, floor: 0.2 });
    expect(s(0)).toBe(0);
    expect(s(10)).toBe(1);
    expect(s(55)).toBeCloseTo(0.6, 12);
    expect(s(100)).toBeCloseTo(0.2, 12);
    expect(s(1000)).toBeCloseTo(0.2, 12);
  });
});

describe('AdEMAMix warm-ups', () => {
  test.prop([fc.double({ min: 0.1, max: 20, noNaN: true }), fc.integer({ min: 1, max: 10000 })], { numRuns: 40 })(
    'alpha(t) is linear from 0, monotone, and equals alpha after the warm-up',
    (alpha, T) => {
      const a = ademamixAlpha(alpha, T);
      expect(a(0)).toBe(0);
      expect(a(T)).toBe(alpha);
      expect(a(2 * T)).toBe(alpha);
      const mid = Math.floor(T / 2);
      expect(a(mid)).toBeCloseTo((alpha * mid) / T, 10);
      expect(a(mid + 1)).toBeGreaterThanOrEqual(a(mid));
    },
  );

  test.prop(
    [fc.double({ min: 0.5, max: 0.95, noNaN: true }), fc.double({ min: 0.99, max: 0.99999, noNaN: true }), fc.integer({ min: 8, max: 10000 })],
    { numRuns: 40 },
  )('beta3(t) is monotone, starts at beta1, ends at beta3, and its half-life is affine in t', (b1, b3, T) => {
    const b = ademamixBeta3(b3, T, b1);
    expect(b(0)).toBeCloseTo(b1, 12);
    expect(b(T)).toBe(b3);
    let prev = 0;
    for (let t = 0; t <= T; t += Math.max(1, Math.floor(T / 31))) {
      expect(b(t)).toBeGreaterThanOrEqual(prev - 1e-15);
      prev = b(t);
    }
    const q = Math.floor(T / 4);
    const h = (t: number): number => halfLife(b(t));
    // Affine half-life: equal steps in t give equal steps in f(β3) (relative 1e-6: log of numbers near 1).
    expect((h(2 * q) - h(q)) / Math.max(1e-12, h(q) - h(0))).toBeCloseTo(1, 4);
  });

  it('half-life and its inverse round-trip', () => {
    for (const beta of [0.5, 0.9, 0.999, 0.9999]) expect(betaFromHalfLife(halfLife(beta))).toBeCloseTo(beta, 12);
  });

  it('log-time AdEMAMix: with beta3_end = 1 - delta/T, (1 - beta3(t)) t/delta -> 1', () => {
    const T = 1e5;
    const b = ademamixBeta3(1 - 8 / T, T, 0.9);
    const r = (t: number): number => ((1 - b(t)) * t) / 8;
    expect(r(1e3)).toBeGreaterThan(0.9);
    expect(r(1e4)).toBeGreaterThan(r(1e3));
    expect(r(1e4)).toBeCloseTo(1, 1);
  });
});
