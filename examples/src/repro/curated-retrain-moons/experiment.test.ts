import { describe, expect, it } from 'vitest';
import { exactMoons, moonsSamples, nearestMoon } from './experiment';

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
});
