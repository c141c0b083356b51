import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny law plan runs, records seeds and reports the three law metrics. */
export const tinyRun: TinyRunCheck = {
  seed: 3,
  check(r) {
    for (const k of ['law_slope', 'law_slope_se', 'law_r2']) expect(Number.isFinite(r.metrics[k] as number)).toBe(true);
    expect(r.metrics.configurations).toBe(3);
    expect(typeof r.reproduced).toBe('boolean');
    expect(r.seeds.base).toBe(3);
    expect(r.tables![0]!.rows.length).toBe(5);
    expect(r.figures.map((f) => f.id)).toEqual(['law', 'counts', 'eps-arm']);
  },
};
