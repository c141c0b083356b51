import { describe, expect, it } from 'vitest';
import { EXPECTED } from './index';

describe('curated-retrain-digits', () => {
  it('states the two-level expectation before the run (0.10 → 0.34 → 0.80 → 0.996; λ = 1 plateau ≈ 0.52)', () => {
    const c = EXPECTED.twoLevel.curatedOnly;
    expect(c[0]).toBeCloseTo(0.1, 12);
    expect(c[1]).toBeCloseTo(0.34, 2);
    expect(c[2]).toBeCloseTo(0.8, 2);
    expect(c[3]).toBeGreaterThan(0.99);
    expect(EXPECTED.twoLevel.lambda1[10]).toBeCloseTo(0.52, 2);
  });
});
