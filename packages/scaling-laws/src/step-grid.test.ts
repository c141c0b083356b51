import { describe, expect, it } from 'vitest';
import { geometricStepGrid } from './step-grid';

describe('geometricStepGrid', () => {
  it('geometric step grid is increasing, starts at 0 and ends at tMax', () => {
    const g = geometricStepGrid(12345, 10);
    expect(g[0]).toBe(0);
    expect(g[g.length - 1]).toBe(12345);
    for (let i = 1; i < g.length; i++) expect(g[i]!).toBeGreaterThan(g[i - 1]!);
  });
});
