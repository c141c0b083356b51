import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { PLRF_ALGORITHMS, plrfBaseLearningRate, plrfHparams, type PlrfAlgorithm } from './algorithms';
import { evalHparams, validateHparams } from './schedule';

/** Reference DANA rules (dana_plrf.py) in float64: Tr K = sum_{j<=v} j^-2alpha summed in increasing j. */
function danaRef(alpha: number, beta: number, d: number, batch: number, v: number) {
  let trK = 0;
  for (let j = 1; j <= v; j++) trK += Math.pow(j, -2 * alpha);
  const gamma2 = 0.5 * Math.min(1, batch / trK);
  const kappaB = d > 1 ? Math.log(batch) / Math.log(d) : 0;
  return { gamma2, delta: 4 + (alpha + beta) / alpha, gamma3Exponent: (1 - kappaB) / (2 * alpha) };
}

/** Asserts |a - b| <= tol |b|. */
function expectNear(a: number, b: number, tol: number): void {
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tol * Math.abs(b));
}

const arbProblem = fc.record({
  alpha: fc.double({ min: 0.3, max: 2, noNaN: true }),
  beta: fc.double({ min: 0.1, max: 2, noNaN: true }),
  d: fc.integer({ min: 2, max: 300 }),
  batch: fc.integer({ min: 1, max: 64 }),
});

// Tr K is a sum of up to 1200 positive terms in another order: rounding <= 1200 eps ~ 3e-13 relative, so 1e-12.
const TOL = 1e-12;

describe('plrfHparams', () => {
  it('SGD uses gamma2 = 1/2 min(1, B / Tr K) with no momentum, at every step (property)', () => {
    fc.assert(
      fc.property(arbProblem, fc.double({ min: 0, max: 1e6, noNaN: true }), ({ alpha, beta, d, batch }, t) => {
        const ref = danaRef(alpha, beta, d, batch, 4 * d);
        const v = evalHparams(plrfHparams('sgd', { alpha, beta, d, batch }), t);
        expectNear(v.g2, ref.gamma2, TOL);
        expect([v.g1, v.g3, v.delta]).toEqual([0, 0, 0]);
        expectNear(plrfBaseLearningRate({ alpha, beta, d, batch }), ref.gamma2, TOL);
      }),
      { numRuns: 60 },
    );
  });

  it('SGD-M splits gamma2 between the step and the buffer: gamma2 + gamma3 / Delta = gamma2, Delta = 1 - mu', () => {
    fc.assert(
      fc.property(arbProblem, fc.double({ min: 0, max: 0.99, noNaN: true }), ({ alpha, beta, d, batch }, mu) => {
        const ref = danaRef(alpha, beta, d, batch, 4 * d);
        const v = evalHparams(plrfHparams('sgd-m', { alpha, beta, d, batch, momentum: mu }), 17);
        expect(v.g1).toBe(1);
        expectNear(v.g2, 0.5 * ref.gamma2, TOL);
        expectNear(v.g3, 0.5 * ref.gamma2 * (1 - mu), TOL);
        expect(v.delta).toBe(1 - mu);
        // One extra multiply and divide on top of the Tr K rounding.
        expectNear(v.g2 + v.g3 / v.delta, ref.gamma2, TOL);
      }),
      { numRuns: 60 },
    );
    // Default momentum 0.9.
    expect(evalHparams(plrfHparams('sgd-m', { alpha: 1, beta: 0.5, d: 10 }), 0).delta).toBeCloseTo(0.1, 15);
  });

  it('DANA-constant: gamma1 = 1, gamma3 = gamma2 / (2 d), Delta(t) = delta / (delta + t), delta = 4 + (alpha + beta) / alpha', () => {
    fc.assert(
      fc.property(arbProblem, fc.double({ min: 0, max: 1e6, noNaN: true }), ({ alpha, beta, d, batch }, t) => {
        const ref = danaRef(alpha, beta, d, batch, 4 * d);
        const v = evalHparams(plrfHparams('dana-constant', { alpha, beta, d, batch }), t);
        expect(v.g1).toBe(1);
        expectNear(v.g2, ref.gamma2, TOL);
        expectNear(v.g3, ref.gamma2 / (2 * d), TOL);
        // (1 + t / delta)^-1 vs delta / (delta + t): a few roundings each, so 1e-14 relative is ample.
        expectNear(v.delta, ref.delta / (ref.delta + t), 1e-14);
      }),
      { numRuns: 60 },
    );
  });

  it('DANA-decaying: gamma3(t) = gamma2 / 2 (1 + t)^-((1 - ln B / ln d) / (2 alpha))', () => {
    fc.assert(
      fc.property(arbProblem, fc.double({ min: 0, max: 1e6, noNaN: true }), ({ alpha, beta, d, batch }, t) => {
        const ref = danaRef(alpha, beta, d, batch, 4 * d);
        const v = evalHparams(plrfHparams('dana-decaying', { alpha, beta, d, batch }), t);
        expect(v.g1).toBe(1);
        expectNear(v.g2, ref.gamma2, TOL);
        // pow of (1 + t) <= 1e6 with an exponent <= 2: ~30 eps on top of the Tr K rounding.
        expectNear(v.g3, 0.5 * ref.gamma2 * Math.pow(1 + t, -ref.gamma3Exponent), TOL);
        expectNear(v.delta, ref.delta / (ref.delta + t), 1e-14);
      }),
      { numRuns: 60 },
    );
  });

  it('defaults v to 4 d, and a larger data dimension lowers gamma2 (Tr K grows)', () => {
    const opts = { alpha: 0.6, beta: 0.4, d: 50 };
    expect(plrfHparams('dana-constant', opts)).toEqual(plrfHparams('dana-constant', { ...opts, v: 200 }));
    expect(plrfBaseLearningRate({ ...opts, v: 1000 })).toBeLessThan(plrfBaseLearningRate(opts));
    expectNear(plrfBaseLearningRate({ ...opts, v: 1000 }), danaRef(0.6, 0.4, 50, 1, 1000).gamma2, TOL);
  });

  it('every listed algorithm gives a schedule validateHparams accepts', () => {
    expect(PLRF_ALGORITHMS).toEqual(['sgd', 'sgd-m', 'dana-constant', 'dana-decaying']);
    for (const alg of PLRF_ALGORITHMS) expect(() => validateHparams('t', plrfHparams(alg, { alpha: 1, beta: 0.7, d: 30, batch: 4 }))).not.toThrow();
  });

  it('rejects a momentum outside [0, 1), an unknown algorithm and a bad batch, by message', () => {
    const opts = { alpha: 1, beta: 0.7, d: 30 };
    expect(() => plrfHparams('sgd-m', { ...opts, momentum: 1 })).toThrow(/^plrfHparams: momentum must be in \[0, 1\), got 1$/);
    expect(() => plrfHparams('sgd-m', { ...opts, momentum: Number.NaN })).toThrow(/plrfHparams: momentum must be in \[0, 1\), got NaN/);
    expect(() => plrfHparams('adam' as PlrfAlgorithm, opts)).toThrow(/^plrfHparams: algorithm must be one of sgd, sgd-m, dana-constant, dana-decaying, got adam$/);
    expect(() => plrfHparams('sgd', { ...opts, batch: 0 })).toThrow(/plrfHparams: batch must be a positive integer, got 0/);
    expect(() => plrfHparams('sgd', { ...opts, batch: 2.5 })).toThrow(/plrfHparams: batch must be a positive integer, got 2.5/);
  });
});
