import { expect } from 'vitest';
import type { TinyRunCheck } from '../../testing/tiny-run';

/** The tiny run reports the metrics per seed. */
export const tinyRun: TinyRunCheck = {
  seed: 1,
  check(res) {
    expect(res.metrics.lower_moon_share_curated_only_per_seed as number[]).toHaveLength(2);
    expect(res.figures.map((f) => f.id)).toEqual(['moons-snapshots', 'moons-lower-share', 'moons-reward']);
    expect(typeof res.reproduced).toBe('boolean');
  },
};
