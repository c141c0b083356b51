import { describe, expect, it } from 'vitest';
import { plrfInstance } from './plrf';
import { sgdExpectedRisk, sgdKernelNorm, sgdRiskFloor, UnstableLearningRateError } from './sgd-recursion';
import { genMomExpectedRisk } from './momentum-dynamics';
import { geometricStepGrid } from '../step-grid';
import { sgdSchedule } from './schedule';

describe('SGD exact recursion', () => {
  const inst = plrfInstance({ alpha: 1, beta: 0.7, d: 24, seed: 5 });

  it('equals the Gen-Mom 3x3 dynamics with gamma1 = gamma3 = 0 (same recursion, 1e-12)', () => {
    const steps = geometricStepGrid(300, 10);
    const a = sgdExpectedRisk(inst, { lr: 0.2, batch: 3, steps });
    const b = genMomExpectedRisk(inst, { hparams: sgdSchedule(0.2), batch: 3, steps });
    for (let i = 0; i < steps.length; i++) expect(Math.abs(a.risk[i]! - b.risk[i]!)).toBeLessThan(1e-12 * a.risk[0]!);
  });

  it('is non-increasing for lr <= 0.5/Tr K from theta_0 = 0 and converges to P_inf/(1 - ||K||)', () => {
    for (const [alpha, beta, d, B, seed] of [[1, 0.7, 20, 1, 1], [0.8, 0.4, 16, 4, 2], [1.5, 1.2, 12, 2, 3]] as const) {
      const s = plrfInstance({ alpha, beta, d, seed });
      let tr = 0;
      for (const l of s.lambda) tr += l;
      const lr = 0.5 / tr;
      const steps = Array.from({ length: 4001 }, (_, i) => i);
      const c = sgdExpectedRisk(s, { lr, batch: B, steps });
      for (let i = 1; i < c.risk.length; i++) expect(c.risk[i]!).toBeLessThanOrEqual(c.risk[i - 1]! * (1 + 1e-14));
      const floor = sgdRiskFloor(s, lr, B);
      expect(floor).toBeGreaterThan(s.pInf);
      const long = sgdExpectedRisk(s, { lr, batch: B, steps: [2_000_000] });
      // Slowest mode decays like (1 - 2 lr lambda_min)^t: after 2e6 steps it is far below 1e-6 relative.
      expect(Math.abs(long.risk[0]! / floor - 1)).toBeLessThan(1e-6);
    }
  });

  it('flags ||K|| >= 1 as unstable', () => {
    const big = 4 / inst.lambda[0]!;
    expect(sgdKernelNorm(inst.lambda, big)).toBe(Infinity);
    expect(() => sgdExpectedRisk(inst, { lr: big, steps: [10] })).toThrow(UnstableLearningRateError);
    expect(() => sgdRiskFloor(inst, big)).toThrow(/kernel norm/);
  });
});
