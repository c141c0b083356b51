import { expect, it } from 'vitest';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { plrfInstance } from './plrf';
import { simulateEigenbasisGPU } from './simulate-gpu';
import { sgdExpectedRisk } from './sgd-recursion';
import { genMomExpectedRisk } from './momentum-dynamics';
import { plrfHparams } from './algorithms';
import { sgdSchedule } from './schedule';

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
});
