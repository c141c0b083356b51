import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny plan runs end to end with the width metric names. */
export const tinyRun: TinyRunCheck = {
  seed: 5,
  check(r) {
    for (const k of ['width_slope_k8', 'width_slope_k8_se', 'width_slope_k32', 'width_slope_k32_se']) expect(typeof r.metrics[k]).toBe('number');
    expect(r.metrics.width_slope_k8_theory).toBeCloseTo(-1 / 8, 12);
    expect(typeof r.reproduced).toBe('boolean');
    expect(r.figures.map((f) => f.id)).toEqual(['lmc-error-vs-width', 'w2-vs-width', 'barrier-vs-width']);
    expect(r.metrics.width_w2_slope_k32_theory).toBeCloseTo(-2 / 33, 12);
  },
};
