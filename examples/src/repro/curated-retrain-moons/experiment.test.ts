import { describe, expect, it } from 'vitest';
import { exactMoons, moonsSamples, nearestMoon } from './experiment';
import { runMoonsRepro } from './index';
import { testContext } from '../../lib/test-context';

describe('curated-retrain-moons', () => {
  it('the data is half on each moon and the exact grid update loses the lower moon only without real data', () => {
    const lower = nearestMoon(moonsSamples(2000, 1)).reduce((a, v) => a + v, 0) / 2000;
    expect(Math.abs(lower - 0.5)).toBeLessThan(0.05);
    const ex = exactMoons(10, 4, 32);
    expect(ex.curated.lower[0]).toBeCloseTo(ex.mixed.lower[0]!, 12);
    expect(ex.curated.lower[10]).toBeLessThan(0.01);
    expect(ex.mixed.lower[10]).toBeGreaterThan(0.2);
    expect(ex.curated.reward[10]).toBeGreaterThan(ex.mixed.reward[10]!);
  });

  it('runs a tiny plan and reports the metrics per seed', async () => {
    const ctx = testContext(1);
    const res = await runMoonsRepro(ctx, { nReal: 200, iterations: 2, K: 4, components: 3, seeds: [0, 1], evalSamples: 200 });
    expect(res.metrics.lower_moon_share_curated_only_per_seed as number[]).toHaveLength(2);
    expect(res.figures.map((f) => f.id)).toEqual(['moons-snapshots', 'moons-lower-share', 'moons-reward']);
    expect(typeof res.reproduced).toBe('boolean');
  });
});
