import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny plan runs end to end with the paper's structure and metric names. */
export const tinyRun: TinyRunCheck = {
  seed: 3,
  check(r) {
    for (const k of ['cov_over_naive_half_loss_small_lr', 'dim_wtw_mean', 'dim_wsigmaw_mean']) expect(Number.isFinite(r.metrics[k] as number)).toBe(true);
    expect(r.metrics.dim_wtw_mean as number).toBeLessThanOrEqual(24);
    expect(r.metrics.dim_wtw_mean as number).toBeGreaterThanOrEqual(1);
    expect((r.metrics.lr0_covariance_half_loss_pairs as number[]).length).toBe(2);
    expect(typeof r.reproduced).toBe('boolean');
    expect(r.figures.map((f) => f.id)).toEqual(['half-loss-vs-lr', 'barrier-vs-lr', 'dimension-vs-lr', 'interpolation-curves']);
    expect(Object.keys(r.seeds).length).toBe(1 + 2 * 2 * 2);
  },
};
