import { describe, expect, it } from 'vitest';
import { summariseRuns } from './summarise-runs';

describe('summariseRuns', () => {
  it('gives per-step means and standard errors of the mean over runs (exact on small integers)', () => {
    // Runs x steps: step 0 values 1, 2, 3 (mean 2, sample sd 1, SE 1/sqrt 3); step 1 constant 5 (SE 0).
    const r = summariseRuns([0, 10], Float64Array.from([1, 5, 2, 5, 3, 5]), 3);
    expect(Array.from(r.steps)).toEqual([0, 10]);
    expect(Array.from(r.mean)).toEqual([2, 5]);
    expect(r.stderr[0]).toBeCloseTo(1 / Math.sqrt(3), 15);
    expect(r.stderr[1]).toBe(0);
    expect(summariseRuns([0], Float64Array.from([4]), 1).stderr[0]).toBe(0);
  });
});
