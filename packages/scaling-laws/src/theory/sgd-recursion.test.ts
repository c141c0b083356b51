import { describe, expect, it } from 'vitest';
import { plrfInstance, traceD } from './plrf';
import { sgdExpectedRisk, sgdKernelNorm, sgdRiskFloor, UnstableLearningRateError } from './sgd-recursion';
import { genMomExpectedRisk, genMomRiskODE } from './momentum-dynamics';
import { simulateEigenbasisCPU } from './simulate-cpu';
import { simulateDense } from './simulate-dense';
import { geometricStepGrid } from './step-grid';
import { sgdSchedule } from './schedule';
import { plrfHparams } from './algorithms';
import { theoryInputs } from './theory-inputs';
import { fitPowerLaw, interpLogLog } from './powerlaw-fit';

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

describe('Monte Carlo simulators', () => {
  const inst = plrfInstance({ alpha: 1, beta: 0.6, d: 16, seed: 9 });
  const steps = [0, 1, 3, 10, 30, 100, 300];

  it('eigenbasis MC mean over 400 seeds is within 3.5 standard errors of the exact SGD recursion', () => {
    const mc = simulateEigenbasisCPU(inst, { hparams: sgdSchedule(0.3), batch: 4, seeds: 400, seed: 11, steps });
    const ex = sgdExpectedRisk(inst, { lr: 0.3, batch: 4, steps });
    for (let i = 1; i < steps.length; i++) {
      // 3.5 SE (not 3) because 6 steps are tested jointly: per-test false alarm stays < 0.3%.
      expect(Math.abs(mc.mean[i]! - ex.risk[i]!)).toBeLessThan(3.5 * mc.stderr[i]!);
    }
    expect(mc.mean[0]).toBeCloseTo(ex.risk[0]!, 12);
  });

  it('eigenbasis MC of DANA-decaying agrees with the exact 3x3 momentum dynamics', () => {
    const hp = plrfHparams('dana-decaying', { alpha: 1, beta: 0.6, d: 16, batch: 2 });
    const mc = simulateEigenbasisCPU(inst, { hparams: hp, batch: 2, seeds: 400, seed: 12, steps });
    const ex = genMomExpectedRisk(inst, { hparams: hp, batch: 2, steps });
    for (let i = 1; i < steps.length; i++) expect(Math.abs(mc.mean[i]! - ex.risk[i]!)).toBeLessThan(3.5 * mc.stderr[i]!);
  });

  it('dense O(B v d) and eigenbasis simulators agree in distribution (means within 3.5 joint SE)', () => {
    const model = { alpha: 1, beta: 0.6, d: 8, v: 24, seed: 4 };
    const small = plrfInstance(model);
    const st = [0, 5, 20, 60];
    const hp = plrfHparams('sgd-m', { alpha: 1, beta: 0.6, d: 8, v: 24, batch: 2 });
    const dense = simulateDense(model, { hparams: hp, batch: 2, seeds: 300, seed: 1, steps: st });
    const eig = simulateEigenbasisCPU(small, { hparams: hp, batch: 2, seeds: 300, seed: 2, steps: st });
    expect(dense.mean[0]).toBeCloseTo(eig.mean[0]!, 10);
    for (let i = 1; i < st.length; i++) {
      const se = Math.hypot(dense.stderr[i]!, eig.stderr[i]!);
      expect(Math.abs(dense.mean[i]! - eig.mean[i]!)).toBeLessThan(3.5 * se);
    }
  });
});

describe('log-time ODE', () => {
  it('agrees with the exact discrete dynamics in local log-log slope (+-0.03) for SGD and DANA-decaying', () => {
    const inp = theoryInputs({ alpha: 1, beta: 0.7, d: 300 });
    for (const alg of ['sgd', 'dana-decaying'] as const) {
      const hp = plrfHparams(alg, { alpha: 1, beta: 0.7, d: 300 });
      const steps = geometricStepGrid(20000, 20);
      const disc = genMomExpectedRisk(inp, { hparams: hp, steps });
      const ode = genMomRiskODE(inp, { hparams: hp, tMax: 20000, dTau: 1e-2 });
      const fd = fitPowerLaw(disc.steps, disc.risk, { xMin: 300, xMax: 3000, offset: inp.pInf });
      const fo = fitPowerLaw(ode.steps, ode.risk, { xMin: 300, xMax: 3000, offset: inp.pInf });
      expect(Math.abs(fd.slope - fo.slope)).toBeLessThan(0.03);
      // Pointwise the implicit-Euler curve is close as well (first-order in dTau: a few percent).
      expect(Math.abs(interpLogLog(ode.steps, ode.risk, 1000) / interpLogLog(disc.steps, disc.risk, 1000) - 1)).toBeLessThan(0.05);
    }
  });
});
