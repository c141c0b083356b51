import { describe, expect, it } from 'vitest';
import { fc } from '@fast-check/vitest';
import { constant, evalHparams, evalPowerLaw, sgdSchedule, validateHparams, type GenMomHparams, type PowerLaw } from './schedule';

/** Reference value(t) = scale * exp(power * log1p(t / timeScale)): another route to the same power law. */
function powerLawRef(p: PowerLaw, t: number): number {
  return p.scale * Math.exp(p.power * Math.log1p(t / (p.timeScale ?? 1)));
}

describe('evalPowerLaw', () => {
  it('equals scale * (1 + t / timeScale)^power (property, float64)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -10, max: 10, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.option(fc.double({ min: 1e-3, max: 1e3, noNaN: true }), { nil: undefined }),
        fc.double({ min: 0, max: 1e6, noNaN: true }),
        (scale, power, timeScale, t) => {
          const p: PowerLaw = timeScale === undefined ? { scale, power } : { scale, power, timeScale };
          const ref = powerLawRef(p, t);
          // |power * log1p(..)| <= 3 * ln(1e9) ~ 62, so exp/pow rounding is ~62 eps relative: 1e-12 leaves a margin.
          expect(Math.abs(evalPowerLaw(p, t) - ref)).toBeLessThanOrEqual(1e-12 * Math.abs(ref));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('uses timeScale 1 by default and decays as 1 / (1 + t / timeScale) for power -1', () => {
    expect(evalPowerLaw({ scale: 2, power: -1 }, 3)).toBe(0.5);
    expect(evalPowerLaw({ scale: 2, power: -1, timeScale: 3 }, 3)).toBe(1);
    expect(evalPowerLaw({ scale: 3, power: 2, timeScale: 0.5 }, 1)).toBe(27);
  });

  it('returns the scale itself when power or scale is 0, at any t', () => {
    for (const t of [0, 1, 1e9]) {
      expect(evalPowerLaw({ scale: 0.25, power: 0, timeScale: 7 }, t)).toBe(0.25);
      expect(evalPowerLaw({ scale: 0, power: -2 }, t)).toBe(0);
    }
  });
});

describe('constant, sgdSchedule and evalHparams', () => {
  it('constant(v) evaluates to v at every step', () => {
    for (const v of [-1.5, 0, 3e-4, 7]) for (const t of [0, 0.5, 10, 1e7]) expect(evalPowerLaw(constant(v), t)).toBe(v);
  });

  it('sgdSchedule(lr) is plain SGD: gamma2 = lr, gamma1 = gamma3 = Delta = 0 at every step', () => {
    for (const t of [0, 1, 1000]) expect(evalHparams(sgdSchedule(0.3), t)).toEqual({ g1: 0, g2: 0.3, g3: 0, delta: 0 });
  });

  it('evalHparams evaluates each of the four power laws at the same step', () => {
    const h: GenMomHparams = {
      g1: constant(1),
      g2: { scale: 0.5, power: -1 },
      g3: { scale: 0.2, power: -0.5, timeScale: 4 },
      delta: { scale: 1, power: -1, timeScale: 6 },
    };
    const t = 12;
    const v = evalHparams(h, t);
    expect(v.g1).toBe(1);
    // Single pow/division per value: 4 eps relative covers the rounding.
    expect(Math.abs(v.g2 - 0.5 / 13)).toBeLessThanOrEqual(4 * Number.EPSILON * v.g2);
    expect(Math.abs(v.g3 - 0.2 / 2)).toBeLessThanOrEqual(4 * Number.EPSILON * v.g3);
    expect(Math.abs(v.delta - 6 / 18)).toBeLessThanOrEqual(4 * Number.EPSILON * v.delta);
  });
});

describe('validateHparams', () => {
  const good: GenMomHparams = { g1: constant(1), g2: constant(0.1), g3: { scale: 0.05, power: -0.5 }, delta: { scale: 1, power: -1, timeScale: 5 } };

  it('accepts finite power laws with timeScale > 0 or absent', () => {
    expect(() => validateHparams('f', good)).not.toThrow();
    expect(() => validateHparams('f', sgdSchedule(0.2))).not.toThrow();
  });

  it('rejects a non-finite scale or power, a timeScale <= 0 and a missing field, naming the field', () => {
    expect(() => validateHparams('f', { ...good, g2: { scale: Number.NaN, power: 0 } })).toThrow(/^f: hparams.g2 must be \{scale, power, timeScale\?>0\} with finite numbers, got \{"scale":null,"power":0\}$/);
    expect(() => validateHparams('f', { ...good, g3: { scale: 1, power: Infinity } })).toThrow(/f: hparams.g3 must be \{scale, power, timeScale\?>0\}/);
    expect(() => validateHparams('f', { ...good, delta: { scale: 1, power: -1, timeScale: 0 } })).toThrow(/f: hparams.delta must be .*"timeScale":0/);
    expect(() => validateHparams('f', { ...good, delta: { scale: 1, power: -1, timeScale: -2 } })).toThrow(/f: hparams.delta must be/);
    const missing = { g1: good.g1, g2: good.g2, g3: good.g3 } as unknown as GenMomHparams;
    expect(() => validateHparams('f', missing)).toThrow(/f: hparams.delta must be .* got undefined/);
  });
});
