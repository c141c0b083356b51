import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';
import { TINY_PLAN } from './index';

/** The tiny run returns the issue metrics, per-seed values and figures. */
export const tinyRun: TinyRunCheck = {
  seed: 3,
  check(res) {
    for (const k of ['digit0_share_curated_only_final', 'digit0_share_lambda1_final', 'confidence_tv_curated_only', 'confidence_tv_lambda1']) {
      const v = res.metrics[k] as number;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(res.metrics.digit0_share_curated_only_curve as number[]).toHaveLength(TINY_PLAN.iterations + 1);
    expect(res.metrics.confidence_tv_lambda1_per_seed as number[]).toHaveLength(TINY_PLAN.seeds.length);
    expect(typeof res.reproduced).toBe('boolean');
    expect(res.figures.map((f) => f.id)).toEqual(['digits-class0-share', 'digits-confidence-proportions', 'digits-reward', 'digits-frechet', 'digits-samples']);
    expect(res.seeds.classifier).toBe(3031);
  },
};
