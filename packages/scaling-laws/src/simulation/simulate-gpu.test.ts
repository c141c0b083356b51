import { expect, it } from 'vitest';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { plrfInstance } from '../theory/plrf';
import { simulateEigenbasisGPU } from './simulate-gpu';
import { simulateEigenbasisCPU } from './simulate-cpu';
import { sgdExpectedRisk } from '../theory/sgd-recursion';
import { genMomExpectedRisk } from '../theory/momentum-dynamics';
import { plrfHparams } from '../theory/algorithms';
import { sgdSchedule } from '../theory/schedule';

describeEachBackend('simulateEigenbasisGPU', (backend) => {
  const inst = plrfInstance({ alpha: 1, beta: 0.6, d: 16, seed: 9 });
  const steps = [0, 3, 12, 40];

  if (backend !== 'webgpu') {
    it('refuses to run off the webgpu backend, naming the backend', async () => {
      await expect(simulateEigenbasisGPU(inst, { hparams: sgdSchedule(0.3), seeds: 2, seed: 1, steps })).rejects.toThrow(/needs the tfjs webgpu backend/);
    });
    return;
  }

  it('SGD mean over 128 seeds is within 3.5 SE of the exact recursion (float32 state)', async () => {
    const mc = await simulateEigenbasisGPU(inst, { hparams: sgdSchedule(0.3), batch: 3, seeds: 128, seed: 5, steps, stepsPerDispatch: 32 });
    const ex = sgdExpectedRisk(inst, { lr: 0.3, batch: 3, steps });
    // float32 initial risk: relative error ~ d * 2^-24.
    expect(Math.abs(mc.mean[0]! / ex.risk[0]! - 1)).toBeLessThan(1e-5);
    for (let i = 1; i < steps.length; i++) expect(Math.abs(mc.mean[i]! - ex.risk[i]!)).toBeLessThan(3.5 * mc.stderr[i]!);
  });

  it('DANA-decaying mean over 128 seeds is within 3.5 SE of the exact momentum dynamics', async () => {
    const hp = plrfHparams('dana-decaying', { alpha: 1, beta: 0.6, d: 16, batch: 2 });
    const mc = await simulateEigenbasisGPU(inst, { hparams: hp, batch: 2, seeds: 128, seed: 6, steps });
    const ex = genMomExpectedRisk(inst, { hparams: hp, batch: 2, steps });
    for (let i = 1; i < steps.length; i++) expect(Math.abs(mc.mean[i]! - ex.risk[i]!)).toBeLessThan(3.5 * mc.stderr[i]!);
  });

  it('follows the CPU simulator\'s trajectories for the same seed (same normals; float32 drift only)', async () => {
    const maxRel = (a: Float64Array, b: Float64Array): number => a.reduce((m, x, i) => Math.max(m, Math.abs(x / b[i]! - 1)), 0);
    for (const [hp, B] of [[sgdSchedule(0.3), 3], [plrfHparams('dana-decaying', { alpha: 1, beta: 0.6, d: 16, batch: 2 }), 2]] as const) {
      const opts = { hparams: hp, batch: B, seeds: 4, seed: 2 ** 33 + 5, steps, stepsPerDispatch: 8 };
      const cpu = simulateEigenbasisCPU(inst, opts);
      const gpu = await simulateEigenbasisGPU(inst, opts);
      // float32 state: each step adds relative error <= (d + B + 8) 2^-24 (the longest f32 sum and the update) and
      // the stable map does not amplify it, so 40 steps stay below 40 (d + B + 8) 2^-24 = 6.4e-5 (seen: <= 2.1e-6).
      const tol = 40 * (16 + B + 8) * 2 ** -24;
      expect(maxRel(gpu.risk, cpu.risk)).toBeLessThan(tol);
      // Control: another seed's GPU trajectories are far outside that tolerance.
      const other = await simulateEigenbasisGPU(inst, { ...opts, seed: opts.seed + 1 });
      expect(maxRel(other.risk, cpu.risk)).toBeGreaterThan(100 * tol);
    }
  });
});
