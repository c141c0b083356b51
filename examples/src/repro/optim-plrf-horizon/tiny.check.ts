import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny plan (2 optimizers × 2 horizons × 3 LRs, 2 seeds) gives the headline metrics for its own horizons. */
export const tinyRun: TinyRunCheck = {
  seed: 0,
  check(r) {
    for (const k of ['adana_loss_slope', 'adamw_loss_slope']) expect(typeof r.metrics[k]).toBe('number');
    expect(r.metrics).not.toHaveProperty('adana_vs_adamw_compute_multiplier_T8000'); // no such horizon in this plan
    expect(typeof r.metrics.adana_k0_5_vs_adamw_compute_multiplier_T160).toBe('number');
    expect(r.metrics.runs).toBe(2 * 2 * 3 + 2 * 2 * 1);
    expect(r.tables![0]!.rows).toHaveLength(2);
    expect(r.figures.map((f) => f.id)).toEqual(['excess-vs-horizon', 'lr-sweeps', 'curves']);
  },
};
