import { describe, expect, it } from 'vitest';
import { theoryInputs } from './theory-inputs';
import { genMomExpectedRisk, genMomRiskODE } from './momentum-dynamics';
import { plrfHparams, type PlrfAlgorithm } from './algorithms';
import { predictExponents } from './phases';
import { fitPowerLaw, interpLogLog } from '../fitting/powerlaw-fit';
import { geometricStepGrid } from '../step-grid';

/** Loss exponent of `alg` from the theory-input ODE (dTau 2e-2: slopes agree with 1e-2 to < 0.005). */
function exponent(alg: PlrfAlgorithm, alpha: number, beta: number, d: number, lo: number, hi: number): number {
  const inp = theoryInputs({ alpha, beta, d });
  const c = genMomRiskODE(inp, { hparams: plrfHparams(alg, { alpha, beta, d }), tMax: hi * 1.2, dTau: 2e-2 });
  return fitPowerLaw(c.steps, c.risk, { xMin: lo, xMax: hi, offset: inp.pInf }).exponent;
}

describe('loss exponents (theory inputs + log-time ODE)', () => {
  it('SGD slope is within +-0.03 of (2a+2b-1)/(2a) for beta < alpha', () => {
    // Windows end before the F_ac / finite-d terms take over (t << d^(2 alpha)).
    for (const [alpha, beta, d, lo, hi] of [[1, 0.7, 1e4, 300, 3000], [1, 0.3, 1e4, 1e3, 1e5], [1.2, 0.5, 1e4, 300, 3000]] as const) {
      const pred = predictExponents(alpha, beta).sgdLossExponent!;
      expect(pred).toBeCloseTo((2 * alpha + 2 * beta - 1) / (2 * alpha), 12);
      expect(Math.abs(exponent('sgd', alpha, beta, d, lo, hi) - pred)).toBeLessThan(0.03);
    }
  });

  it('SGD slope is within +-0.03 of the noise exponent 2 - 1/(2a) in phase III (beta > alpha)', () => {
    // K_pp takes over from F_pp after a few dozen steps and holds until F_ac / saturation (t ~ 1e3 at d = 1e4).
    const pred = predictExponents(1, 1.5).sgdLossExponent!;
    expect(pred).toBeCloseTo(1.5, 12);
    expect(Math.abs(exponent('sgd', 1, 1.5, 1e4, 100, 1000) - pred)).toBeLessThan(0.03);
  });

  it("SGD-M's slope is within +-0.05 of SGD's", () => {
    for (const [alpha, beta] of [[1, 0.7], [1, 0.3]] as const) {
      const a = exponent('sgd', alpha, beta, 1e4, 100, 1e4);
      const b = exponent('sgd-m', alpha, beta, 1e4, 100, 1e4);
      expect(Math.abs(a - b)).toBeLessThan(0.05);
    }
  });

  it("DANA-decaying's slope is within +-0.05 of sigma (2 - 1/(2 alpha)) for alpha in [1, 1.5]", () => {
    // Phase-Ia points (2 beta < 1): no absolutely-continuous term, so the pure-point regime is long.
    for (const [alpha, beta, d, lo, hi] of [[1, 0.3, 3e4, 3e4, 3e5], [1.25, 0.3, 2e4, 1e4, 1e5], [1.5, 0.4, 2e4, 1e4, 1e5]] as const) {
      const pred = predictExponents(alpha, beta).danaDecayingLossExponent!;
      expect(Math.abs(exponent('dana-decaying', alpha, beta, d, lo, hi) - pred)).toBeLessThan(0.05);
    }
  });

  it('DANA-constant is SGD-like for t < d and steeper after t >> d', () => {
    const alpha = 1, beta = 0.3, d = 1e4;
    const early = exponent('dana-constant', alpha, beta, d, 100, 1000);
    const sgdEarly = exponent('sgd', alpha, beta, d, 100, 1000);
    expect(Math.abs(early - sgdEarly)).toBeLessThan(0.03);
    const late = exponent('dana-constant', alpha, beta, d, 1e5, 1e6);
    const sgdLate = exponent('sgd', alpha, beta, d, 1e5, 1e6);
    expect(late).toBeGreaterThan(sgdLate + 0.2);
  });

  it('log-time ODE and exact recursion agree in fitted slope (+-0.03) for DANA-constant across t ~ d', () => {
    const inp = theoryInputs({ alpha: 1, beta: 0.3, d: 200 });
    const hp = plrfHparams('dana-constant', { alpha: 1, beta: 0.3, d: 200 });
    const ode = genMomRiskODE(inp, { hparams: hp, tMax: 2e4, dTau: 1e-2 });
    const ex = genMomExpectedRisk(inp, { hparams: hp, steps: geometricStepGrid(20000, 20) });
    const fo = fitPowerLaw(ode.steps, ode.risk, { xMin: 100, xMax: 3000, offset: inp.pInf });
    const fe = fitPowerLaw(ex.steps, ex.risk, { xMin: 100, xMax: 3000, offset: inp.pInf });
    expect(Math.abs(fo.slope - fe.slope)).toBeLessThan(0.03);
  });
});

describe('log-time ODE', () => {
  it('agrees with the exact discrete dynamics in local log-log slope (+-0.03) for SGD and DANA-decaying', () => {
    const inp = theoryInputs({ alpha: 1, beta: 0.7, d: 300 });
    for (const alg of ['sgd', 'dana-decaying'] as const) {
      const hp = plrfHparams(alg, { alpha: 1, beta: 0.7, d: 300 });
      const steps = geometricStepGrid(20000, 20);
      const disc = genMomExpectedRisk(inp, { hparams: hp, steps });
      const ode = genMomRiskODE(inp, { hparams: hp, tMax: 20000, dTau: 1e-2 });
      const fd = fitPowerLaw(disc.steps, disc.risk, { xMin: 300, xMax: 3000, offset: inp.pInf });
      const fo = fitPowerLaw(ode.steps, ode.risk, { xMin: 300, xMax: 3000, offset: inp.pInf });
      expect(Math.abs(fd.slope - fo.slope)).toBeLessThan(0.03);
      // Pointwise the implicit-Euler curve is close as well (first-order in dTau: a few percent).
      expect(Math.abs(interpLogLog(ode.steps, ode.risk, 1000) / interpLogLog(disc.steps, disc.risk, 1000) - 1)).toBeLessThan(0.05);
    }
  });
});
