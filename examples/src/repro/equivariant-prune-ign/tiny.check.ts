import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny graph plan trains, prunes and reports intervals for both architectures. */
export const tinyRun: TinyRunCheck = {
  seed: 2,
  check(r) {
    for (const a of ['ign2', 'mpnn']) {
      expect(Number.isFinite(r.metrics[`${a}_target_r2`] as number)).toBe(true);
      expect((r.metrics[`${a}_r2_gap_ci95`] as number[]).length).toBe(2);
      expect(r.metrics[`${a}_invariance_error`] as number).toBeLessThan(1e-9);
      expect(r.metrics[`${a}_f32_vs_f64_max`] as number).toBeLessThan(1e-3);
    }
    expect(Object.keys(r.seeds).length).toBe(5);
    expect(r.tables![2]!.rows.length).toBe(4);
  },
};
