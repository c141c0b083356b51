import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { danaGamma3, danaHyperparameters } from './dana';

describe('danaHyperparameters (the paper rules, authors dana_plrf.py)', () => {
  it('matches the authors\' PLRF demo: alpha 1, beta 0.5, d 1000, v 4000, batch 1', () => {
    const h = danaHyperparameters({ alpha: 1, beta: 0.5, d: 1000, v: 4000 });
    let trK = 0;
    for (let j = 1; j <= 4000; j++) trK += 1 / (j * j);
    expect(h.traceK).toBeCloseTo(trK, 12); // Σ j^-2 over 4000 terms ≈ π²/6 − 1/4000
    expect(h.gamma2).toBeCloseTo(0.5 / trK, 12); // B / tr K < 1
    expect(h.delta).toBe(5.5); // 4 + (α + β)/α
    expect(h.gamma3Constant).toBeCloseTo(h.gamma2 * 0.5 / 1000, 15);
    expect(h.gamma3DecayingExponent).toBe(0.5); // 1/(2α) at batch 1
  });

  test.prop([fc.double({ min: 0.3, max: 3, noNaN: true }), fc.double({ min: 0, max: 2, noNaN: true }), fc.integer({ min: 10, max: 2000 }), fc.integer({ min: 1, max: 256 })], {
    numRuns: 30,
  })('gamma2 <= 1/2, gamma3 constant is gamma2/(2d), and a larger batch never shrinks gamma2', (alpha, beta, d, batch) => {
    const h = danaHyperparameters({ alpha, beta, d, batch, v: 2 * d });
    const h1 = danaHyperparameters({ alpha, beta, d, batch: 1, v: 2 * d });
    expect(h.gamma2).toBeLessThanOrEqual(0.5);
    expect(h.gamma2).toBeGreaterThanOrEqual(h1.gamma2);
    expect(h.gamma3Constant).toBeCloseTo(h.gamma2 / (2 * d), 15);
    expect(h.gamma3DecayingExponent).toBeLessThanOrEqual(1 / (2 * alpha) + 1e-15);
  });

  it('rejects bad inputs naming the argument', () => {
    expect(() => danaHyperparameters({ alpha: 0, beta: 0.5, d: 10 })).toThrow(/danaHyperparameters: alpha must be a finite number > 0, got 0/);
    expect(() => danaHyperparameters({ alpha: 1, beta: 0.5, d: 10, v: 2.5 })).toThrow(/v must be an integer >= 1, got 2.5/);
  });

  it('gamma3 schedules: constant c gamma2/d, decaying c gamma2 t^(-exponent) at 1-based t', () => {
    expect(danaGamma3({ learningRate: 1, variant: 'constant', d: 100, c: 0.5 }, 0.2, 7)).toBeCloseTo(0.001, 15);
    expect(danaGamma3({ learningRate: 1, variant: 'decaying', exponent: 0.5, c: 0.5 }, 0.2, 4)).toBeCloseTo(0.05, 15);
  });
});
