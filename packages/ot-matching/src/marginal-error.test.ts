import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { dualObjectiveF64, stepMarginalErrorF64 } from './marginal-error';

// KL-convention plan P_ij = a_i b_j exp((f_i + g_j - C_ij)/eps), formed explicitly.
function plan(a: number[], b: number[], C: number[][], f: number[], g: number[], eps: number): number[][] {
  return a.map((ai, i) => b.map((bj, j) => ai * bj * Math.exp((f[i]! + g[j]! - C[i]![j]!) / eps)));
}

describe('stepMarginalErrorF64', () => {
  it('equals the L1 row-marginal error of the plan formed from the previous potentials', () => {
    const rng = createRng(7);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + (trial % 5);
      const m = 3 + (trial % 4);
      const eps = 0.05 + rng.uniform();
      const a = Array.from({ length: n }, () => 0.1 + rng.uniform());
      const b = Array.from({ length: m }, () => 0.1 + rng.uniform());
      const C = a.map(() => b.map(() => rng.uniform()));
      const fPrev = a.map(() => rng.uniform() - 0.5);
      const g = b.map(() => rng.uniform() - 0.5);
      // Row update making the row marginal exact: f_i = -eps log Σ_j b_j exp((g_j - C_ij)/eps).
      const fNext = a.map((_, i) => -eps * Math.log(b.reduce((s, bj, j) => s + bj * Math.exp((g[j]! - C[i]![j]!) / eps), 0)));
      const P = plan(a, b, C, fPrev, g, eps);
      const direct = P.reduce((s, row, i) => s + Math.abs(row.reduce((r, p) => r + p, 0) - a[i]!), 0);
      expect(stepMarginalErrorF64(a, fPrev, fNext, eps)).toBeCloseTo(direct, 12);
      // The updated potentials have an exact row marginal.
      const exact = plan(a, b, C, fNext, g, eps).map((row) => row.reduce((r, p) => r + p, 0));
      exact.forEach((s, i) => expect(s).toBeCloseTo(a[i]!, 12));
    }
  });

  it('is 0 when the potentials did not move', () => {
    expect(stepMarginalErrorF64([0.5, 0.5], [1, -2], [1, -2], 0.1)).toBe(0);
  });
});

describe('dualObjectiveF64', () => {
  it('is <f, a> + <g, b>', () => {
    expect(dualObjectiveF64([1, 2], [0.25, 0.75], [3, -1, 0.5], [0.5, 0.25, 0.25])).toBe(1 * 0.25 + 2 * 0.75 + 3 * 0.5 - 0.25 + 0.125);
  });
});
