import { describe, expect, it } from 'vitest';
import { plrfInstance } from '../theory/plrf';
import { plrfHparams } from '../theory/algorithms';
import { simulateEigenbasisCPU } from './simulate-cpu';
import { simulateDense } from './simulate-dense';

describe('Monte Carlo simulators', () => {
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
