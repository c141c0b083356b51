import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { epsilonSchedule, MAX_SINKHORN_ITERATIONS, resolveEpsilon, validateSinkhornOptions, type CostStats } from './sinkhorn-schedule';

/** Statistics of a cost matrix with entries in [-5, 2]. */
const stats: CostStats = { mean: 0.5, std: 1.5, max: 2, min: -5 };

describe('resolveEpsilon', () => {
  it('is reg itself without relativeEpsilon, else reg times the mean, the std or max |C|', () => {
    expect(resolveEpsilon('f', 0.25, stats, undefined)).toBe(0.25);
    expect(resolveEpsilon('f', 0.25, stats, false)).toBe(0.25);
    expect(resolveEpsilon('f', 0.25, stats, 'mean')).toBe(0.125);
    expect(resolveEpsilon('f', 0.25, stats, 'std')).toBe(0.375);
    // 'max' is the largest magnitude: |min| = 5 beats max = 2.
    expect(resolveEpsilon('f', 0.25, stats, 'max')).toBe(1.25);
    expect(resolveEpsilon('f', 0.25, { ...stats, min: 0 }, 'max')).toBe(0.5);
  });

  it('rejects reg <= 0 or non-finite and a non-positive statistic, by message', () => {
    for (const reg of [0, -1, Number.NaN, Infinity]) expect(() => resolveEpsilon('f', reg, stats, false)).toThrow(new RegExp(`^f: reg must be a finite number > 0, got ${reg}$`));
    expect(() => resolveEpsilon('f', 0.1, { mean: 0, std: 0, max: 0, min: 0 }, 'std')).toThrow(/^f: relativeEpsilon 'std' needs a positive cost statistic, got 0$/);
    expect(() => resolveEpsilon('f', 0.1, { ...stats, mean: -1 }, 'mean')).toThrow(/relativeEpsilon 'mean' needs a positive cost statistic, got -1/);
  });
});

describe('epsilonSchedule', () => {
  it('halves from max(C) - min(C) while above the target and ends at the target (default decay 0.5)', () => {
    // max 2, min -6: start 8; of 8, 4, 2, 1, 0.5, 0.25 all but 0.25 exceed the target 0.3 (powers of two: exact).
    const s = epsilonSchedule('f', 0.3, { ...stats, min: -6 }, {}, false);
    expect(s).toEqual({ target: 0.3, stages: [8, 4, 2, 1, 0.5, 0.3], stageIterations: 20 });
  });

  it('stages are start · decay^k > target, then the target (property, float64 reference)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        fc.double({ min: 1e-4, max: 10, noNaN: true }),
        (start, decay, reg) => {
          const s = epsilonSchedule('f', reg, stats, { epsilonScaling: { start, decay, stageIterations: 7 } }, false);
          expect(s.target).toBe(reg);
          expect(s.stageIterations).toBe(7);
          expect(s.stages[s.stages.length - 1]).toBe(reg);
          const warm = s.stages.slice(0, -1);
          const first = Math.max(start, reg);
          // Repeated multiplication vs one pow: k <= 200 roundings, so 1e-12 relative is ample.
          warm.forEach((e, k) => expect(Math.abs(e - first * Math.pow(decay, k))).toBeLessThanOrEqual(1e-12 * e));
          for (const e of warm) expect(e).toBeGreaterThan(reg);
          // The next stage would be at or below the target (or the 200-stage cap was hit).
          if (warm.length > 0 && warm.length < 200) expect(warm[warm.length - 1]! * decay).toBeLessThanOrEqual(reg);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('has only the target when scaling is off, on a warm start, or when the start is not above the target', () => {
    const off = { target: 0.1, stages: [0.1], stageIterations: 0 };
    expect(epsilonSchedule('f', 0.1, stats, { epsilonScaling: false }, false)).toEqual(off);
    expect(epsilonSchedule('f', 0.1, stats, {}, true)).toEqual(off);
    expect(epsilonSchedule('f', 0.1, stats, { epsilonScaling: { start: 0.05 } }, false).stages).toEqual([0.1]);
  });

  it('caps the warm-up at 200 stages and applies relativeEpsilon to the target', () => {
    const s = epsilonSchedule('f', 1e-300, stats, { epsilonScaling: { start: 1, decay: 0.9 } }, false);
    expect(s.stages.length).toBe(201);
    expect(s.stages[200]).toBe(1e-300);
    const r = epsilonSchedule('f', 0.5, stats, { relativeEpsilon: 'max', epsilonScaling: false }, false);
    expect(r.target).toBe(2.5);
  });

  it('rejects a decay outside (0, 1) by message', () => {
    for (const decay of [0, 1, 1.5, -0.5]) expect(() => epsilonSchedule('f', 0.1, stats, { epsilonScaling: { decay } }, false)).toThrow(new RegExp(`^f: epsilonScaling.decay must be in \\(0, 1\\), got ${decay}$`));
  });
});

describe('validateSinkhornOptions', () => {
  it('accepts every documented option and the caller’s extra keys', () => {
    const all = { relativeEpsilon: 'std' as const, epsilonScaling: { start: 2, decay: 0.7, stageIterations: 5 }, threshold: 1e-8, maxIterations: MAX_SINKHORN_ITERATIONS, checkEvery: 3, returnPlan: false, onCheck: () => undefined, warn: false };
    expect(() => validateSinkhornOptions('f', all, [])).not.toThrow();
    expect(() => validateSinkhornOptions('f', {}, [])).not.toThrow();
    expect(() => validateSinkhornOptions('f', { epsilonScaling: false, relativeEpsilon: false }, [])).not.toThrow();
    expect(() => validateSinkhornOptions('f', { init: {} } as never, ['init'])).not.toThrow();
  });

  it('rejects unknown keys and bad values, naming the option', () => {
    const bad: [unknown, RegExp][] = [
      [{ init: {} }, /^f: options has an unknown key 'init'; known keys: relativeEpsilon, epsilonScaling, threshold, maxIterations, checkEvery, returnPlan, onCheck, warn$/],
      [null, /^f: options must be an options object, got null$/],
      [{ relativeEpsilon: 'median' }, /^f: options.relativeEpsilon must be 'mean', 'std', 'max' or false, got 'median'/],
      [{ threshold: 0 }, /^f: options.threshold must be a finite number > 0, got 0$/],
      [{ maxIterations: 2e7 }, /^f: options.maxIterations must be a positive integer <= 10000000, got 20000000$/],
      [{ checkEvery: 0 }, /^f: options.checkEvery must be a positive integer, got 0$/],
      [{ returnPlan: 'yes' }, /^f: options.returnPlan must be true or false, got 'yes'/],
      [{ onCheck: 3 }, /^f: options.onCheck must be a function, got 3$/],
      [{ warn: 1 }, /^f: options.warn must be true or false, got 1$/],
      [{ numItermax: 5 }, /^f: options has an unknown key 'numItermax' \(did you mean 'maxIterations'\?\); known keys: relativeEpsilon, /],
      [{ stopThr: 1e-9 }, /^f: options has an unknown key 'stopThr' \(did you mean 'threshold'\?\)/],
      [{ epsilonScaling: { begin: 1 } }, /^f: options.epsilonScaling has an unknown key 'begin'; known keys: start, decay, stageIterations$/],
      [{ epsilonScaling: { start: -1 } }, /^f: options.epsilonScaling.start must be a finite number > 0, got -1$/],
      [{ epsilonScaling: { stageIterations: 1e6 } }, /^f: options.epsilonScaling.stageIterations must be a non-negative integer <= 100000, got 1000000$/],
      [{ epsilonScaling: { decay: 1 } }, /^f: options.epsilonScaling.decay must be in \(0, 1\), got 1$/],
      // A string is named as one, not printed like the number it spells.
      [{ epsilonScaling: { decay: '0.5' } }, /^f: options.epsilonScaling.decay must be in \(0, 1\), got '0.5' \(a string\)$/],
    ];
    for (const [options, re] of bad) expect(() => validateSinkhornOptions('f', options as never, [])).toThrow(re);
  });
});
