import { describe, expect, it } from 'vitest';
import { plrfInstance } from '../theory/plrf';
import { sgdExpectedRisk } from '../theory/sgd-recursion';
import { genMomExpectedRisk } from '../theory/momentum-dynamics';
import { sgdSchedule } from '../theory/schedule';
import { plrfHparams } from '../theory/algorithms';
import { simulateEigenbasisCPU } from './simulate-cpu';

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
});
