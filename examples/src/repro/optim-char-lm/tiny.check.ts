import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The micro plan sweeps, runs seeds and AdamW budgets, and reports the headline metrics. */
export const tinyRun: TinyRunCheck = {
  seed: 0,
  check(r) {
    for (const k of ['charlm_compute_multiplier', 'charlm_tokens_seen', 'charlm_unique_tokens']) expect(k in r.metrics).toBe(true);
    expect(r.metrics.charlm_tokens_seen).toBe(60 * 2 * 8); // AdamW's 1.5× run
    expect(r.metrics.charlm_unique_tokens).toBe(r.metrics.charlm_tokens_seen);
    expect(r.tables![0]!.rows).toHaveLength(1);
    expect(r.seeds).toEqual({ seed0: 0, seed1: 1 });
    expect(typeof r.reproduced).toBe('boolean');
  },
};
