import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { classifyPhase, predictExponents, type PhaseIvSplit } from './phases';
import { measureComputeOptimalExponents } from './measure-exponents';
import { theoryInputs } from './theory-inputs';
import { genMomRiskODE } from './momentum-dynamics';
import { plrfHparams } from './algorithms';
import { fitPowerLaw } from './powerlaw-fit';

describe('4+3 phase classification', () => {
  it('labels one interior point of every region', () => {
    const cases: [number, number, string][] = [
      [1, 0.3, 'Ia'],
      [0.4, 0.3, 'Ib'],
      [0.2, 0.45, 'Ib'], // Ib below alpha = 1/4 (the authors' conjecture; same label)
      [0.2, 0.8, 'Ic'],
      [1, 0.7, 'II'],
      [1, 1.5, 'III'],
      [0.3, 0.8, 'IV'],
      [0.45, 1.5, 'IV'],
      [0.2, 0.2, 'ill-posed'],
    ];
    for (const [a, b, p] of cases) expect(classifyPhase(a, b), `(${a}, ${b})`).toBe(p);
  });

  it('puts boundary points on the larger-alpha / larger-beta side (2(alpha + beta) = 1 is ill-posed)', () => {
    const cases: [number, number, string][] = [
      [0.5, 0.3, 'Ia'], // 2 alpha = 1 -> above the high-dimensional line
      [0.5, 0.5, 'III'], // 2 alpha = 1 and 2 beta = 1 and beta = alpha
      [0.5, 0.7, 'III'],
      [1, 0.5, 'II'], // 2 beta = 1 -> 2 beta >= 1 side
      [0.4, 0.5, 'IV'],
      [0.2, 0.5, 'Ic'],
      [0.25, 0.8, 'IV'], // alpha = 1/4 -> IV
      [0.25, 0.4, 'Ib'],
      [0.8, 0.8, 'III'], // beta = alpha -> III
      [0.25, 0.25, 'ill-posed'], // 2(alpha + beta) = 1
    ];
    for (const [a, b, p] of cases) expect(classifyPhase(a, b), `(${a}, ${b})`).toBe(p);
  });

  it('agrees with the defining inequalities everywhere (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 2, noNaN: true }), fc.double({ min: -0.5, max: 2.5, noNaN: true }), (a, b) => {
        const p = classifyPhase(a, b);
        if (2 * (a + b) <= 1) return p === 'ill-posed';
        if (2 * a < 1) return 2 * b < 1 ? p === 'Ib' : a < 0.25 ? p === 'Ic' : p === 'IV';
        return 2 * b < 1 ? p === 'Ia' : b < a ? p === 'II' : p === 'III';
      }),
      { numRuns: 2000 },
    );
  });

  it('splits Phase IV only through a supplied IVa/IVb boundary (none is built in)', () => {
    // A placeholder split for the mechanics only: it is NOT the paper's boundary.
    const split: PhaseIvSplit = (a) => (a < 0.35 ? 'IVb' : 'IVa');
    expect(classifyPhase(0.3, 0.8, { phaseIvSplit: split })).toBe('IVb');
    expect(classifyPhase(0.45, 1.5, { phaseIvSplit: split })).toBe('IVa');
    expect(classifyPhase(0.2, 0.8, { phaseIvSplit: split })).toBe('Ic');
    expect(classifyPhase(1, 0.7, { phaseIvSplit: split })).toBe('II');
    expect(predictExponents(0.3, 0.8, { phaseIvSplit: split }).phase).toBe('IVb');
    expect(() => classifyPhase(0.3, 0.8, { phaseIvSplit: (() => 'IVc') as unknown as PhaseIvSplit })).toThrow(/IVa' or 'IVb/);
  });

  it('returns null exponents with provenance unknown below the high-dimensional line unless measured', () => {
    for (const [a, b] of [[0.4, 0.3], [0.2, 0.8], [0.3, 0.8]] as const) {
      const p = predictExponents(a, b);
      expect(p.sgd).toEqual({ xi: null, eta: null, provenance: 'unknown' });
    }
  });
});

describe('isoFLOP-measured exponents where no closed form is known (empirical spectra, d = 25..400)', () => {
  // Each point is one sweep (~2 s): 5 eigendecompositions of K = W^T D W and 5 ODE curves.
  for (const [alpha, beta, label] of [[0.4, 0.3, 'Ib'], [0.2, 0.8, 'Ic'], [0.3, 0.8, 'IV'], [0.45, 1.5, 'IV']] as const) {
    it(`${label} (${alpha}, ${beta}): finite measured xi and eta, tagged with the sweep settings`, () => {
      const p = predictExponents(alpha, beta, { measure: true });
      expect(p.phase).toBe(label);
      expect(p.sgd.provenance).toBe('measured');
      const m = p.sgd.measured!;
      expect(m.sizes).toEqual([25, 50, 100, 200, 400]);
      expect(m.spectrum).toBe('empirical');
      expect(m.fMax).toBe(1e8);
      expect(m.points).toBeGreaterThanOrEqual(8);
      expect(Number.isFinite(p.sgd.xi!) && Number.isFinite(p.sgd.eta!)).toBe(true);
      // Loose sanity: model size and loss both scale with compute, sub-linearly.
      expect(p.sgd.xi!).toBeGreaterThan(0.1);
      expect(p.sgd.xi!).toBeLessThan(1);
      expect(p.sgd.eta!).toBeGreaterThan(0.02);
      expect(p.sgd.eta!).toBeLessThan(1.5);
      expect(m.xiCI95[0]).toBeLessThanOrEqual(m.xi);
      expect(m.etaCI95[1]).toBeGreaterThanOrEqual(m.eta);
    });
  }

  it('reproduces the phase-II table values when measured above the line (sanity of the measuring path)', () => {
    const m = measureComputeOptimalExponents({ alpha: 1, beta: 0.7, sizes: [100, 200, 400, 800, 1600, 3200, 6400, 12800] });
    expect(m.spectrum).toBe('theory');
    expect(Math.abs(m.eta - 0.706)).toBeLessThan(0.03);
    expect(Math.abs(m.xi - 0.412)).toBeLessThan(0.03);
  });
});

describe('DANA-decaying in phase II (alpha, beta) = (1, 0.7)', () => {
  it('pure-point (d -> infinity) slope is within +-0.05 of sigma (2 - 1/(2 alpha)) = 1.8', () => {
    // The full spectrum's absolutely-continuous part c_beta/d takes over at t ~ d^0.95 (see README), so the
    // F_pp exponent is checked on the pure-point part alone, where finite d only truncates the spectrum.
    const [alpha, beta, d] = [1, 0.7, 100_000];
    const inp = theoryInputs({ alpha, beta, d, part: 'pure-point' });
    const c = genMomRiskODE(inp, { hparams: plrfHparams('dana-decaying', { alpha, beta, d }), tMax: 1.2e5, dTau: 2e-2 });
    const fit = fitPowerLaw(c.steps, c.risk, { xMin: 2e4, xMax: 1e5, offset: inp.pInf });
    const pred = predictExponents(alpha, beta).danaDecayingLossExponent!;
    expect(pred).toBeCloseTo(1.8, 12);
    expect(Math.abs(fit.exponent - pred)).toBeLessThan(0.05);
  });
});
