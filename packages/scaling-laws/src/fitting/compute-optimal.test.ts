import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { computeOptimalFrontier, fitComputeOptimalExponents } from './compute-optimal';
import { theoryInputs } from '../theory/theory-inputs';
import { genMomRiskODE } from '../theory/momentum-dynamics';
import { plrfHparams } from '../theory/algorithms';
import { predictExponents } from '../theory/phases';

describe('computeOptimalFrontier', () => {
  it('recovers the analytic frontier of P = A t^-a + B d^-b: xi = a/(a+b), eta = ab/(a+b) (+-0.02)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.3, max: 1.5, noNaN: true }), fc.double({ min: 0.3, max: 1.5, noNaN: true }), (a, b) => {
        const curves = [];
        for (let i = 0; i < 12; i++) {
          const d = 10 * 2 ** i;
          const steps = Array.from({ length: 200 }, (_, k) => Math.pow(10, (k * 9) / 199));
          curves.push({ d, steps, risk: steps.map((t) => t ** -a + d ** -b) });
        }
        const fr = computeOptimalFrontier(curves);
        const ex = fitComputeOptimalExponents(fr);
        // Parabolic refinement on a factor-2 size grid leaves ~1% wobble in d*: 0.02 on the slopes is safe.
        expect(Math.abs(ex.xi.slope - a / (a + b))).toBeLessThan(0.02);
        expect(Math.abs(ex.eta.exponent - (a * b) / (a + b))).toBeLessThan(0.02);
      }),
      { numRuns: 20 },
    );
  });

  it('isoFLOP sweeps reproduce SGD eta and xi within +-0.03 in phases Ia (1, .3) and II (1, .7)', () => {
    for (const [alpha, beta, eta, xi] of [[1, 0.3, 0.533, 0.333], [1, 0.7, 0.706, 0.412]] as const) {
      const curves = [];
      for (let i = 0; i <= 7; i++) {
        const d = 100 * 2 ** i;
        const inp = theoryInputs({ alpha, beta, d });
        const c = genMomRiskODE(inp, { hparams: plrfHparams('sgd', { alpha, beta, d }), tMax: 2e8 / d, dTau: 3e-2 });
        curves.push({ d, steps: c.steps, risk: c.risk });
      }
      const ex = fitComputeOptimalExponents(computeOptimalFrontier(curves));
      const p = predictExponents(alpha, beta).sgd;
      expect(p.eta!).toBeCloseTo(eta, 3);
      expect(p.xi!).toBeCloseTo(xi, 3);
      expect(Math.abs(ex.eta.exponent - eta)).toBeLessThan(0.03);
      expect(Math.abs(ex.xi.slope - xi)).toBeLessThan(0.03);
    }
  });
});
