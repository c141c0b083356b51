import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny width sweep runs with Git Re-Basin as the baseline and a per-pair verdict. */
export const tinyRun: TinyRunCheck = {
  seed: 4,
  check(r) {
    expect(typeof r.metrics.gitRebasin_below_unaligned_every_pair).toBe('boolean');
    expect(typeof r.metrics.gitRebasin_barrier_slope_per_log2_width).toBe('number');
    expect(r.metrics.width16_none_barrier as number).toBeGreaterThanOrEqual(0);
    expect(r.figures.map((f) => f.id)).toEqual(['barrier-vs-width']);
    expect(Object.keys(r.seeds).length).toBe(1 + 2 * 2 * 2);
  },
};
