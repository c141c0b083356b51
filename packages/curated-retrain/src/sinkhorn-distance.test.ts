import { expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { sinkhornDistance } from './sinkhorn-distance';
import { toSamples } from './samples';
import { gaussianModel } from './models/gaussian';
import { retrain } from './retrain';

describeEachBackend('sinkhornDistance', () => {
  it('a translation by v costs |v| when ε is small (the plan is the identity shift)', async () => {
    const a = toSamples(createRng(1).normalArray(2 * 40), 2);
    const b = toSamples(a.data.map((v, i) => v + (i % 2 === 0 ? 3 : 4)), 2);
    // ε = 0.05 on costs ~25: the blur moves ⟨P,C⟩ by O(ε) relative to |v|² = 25, i.e. well under 2% of |v| = 5.
    const d = await sinkhornDistance(a, b, { eps: 0.05, iterations: 300 });
    expect(Math.abs(d - 5)).toBeLessThan(0.1);
  });

  it('retrain({ sinkhorn }) records a distance that grows as curated-only retraining leaves the data', async () => {
    const real = toSamples(createRng(2).normalArray(2 * 300), 2);
    const { metrics } = await retrain({
      model: gaussianModel({ dim: 2 }), realData: real, reward: (x) => Float64Array.from({ length: x.n }, (_, i) => 3 * x.data[2 * i]!),
      K: 4, syntheticToRealRatio: Infinity, iterations: 2, seed: 1, evalSamples: 300, sinkhorn: { points: 100, iterations: 100 },
    });
    // Each K = 4 Luce step on reward 3·x shifts the mean by ~1: distance to the data grows monotonically.
    expect(metrics[0]!.sinkhornToData!).toBeLessThan(metrics[1]!.sinkhornToData!);
    expect(metrics[1]!.sinkhornToData!).toBeLessThan(metrics[2]!.sinkhornToData!);
  });

  it('rejects mismatched dims and bad eps', async () => {
    const a = toSamples([[0, 0]]);
    await expect(sinkhornDistance(a, toSamples([0], 1), { eps: 1 })).rejects.toThrow(/same dim/);
    await expect(sinkhornDistance(a, a, { eps: 0 })).rejects.toThrow(/sinkhornDistance: eps must be a finite number > 0, got 0/);
  });
});
