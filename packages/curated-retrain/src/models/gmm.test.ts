import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { gaussianMixtureModel } from './gmm';
import { toSamples } from '../samples';

describe('gaussianMixtureModel', () => {
  it('Gaussian mixture EM recovers two separated components', () => {
    const rng = createRng(3);
    const N = 4000;
    const data = new Float64Array(N);
    for (let i = 0; i < N; i++) data[i] = rng.uniform() < 0.3 ? -5 + rng.normal() : 5 + 0.5 * rng.normal();
    const gmm = gaussianMixtureModel({ dim: 1, components: 2, seed: 4 });
    gmm.fit(toSamples(data, 1));
    const order = gmm.means[0]! < gmm.means[1]! ? [0, 1] : [1, 0];
    // Sampling error of a weight is ~sqrt(.21/4000) ≈ 0.007 and of a mean ~0.03: bands of ~4σ.
    expect(Math.abs(gmm.weights[order[0]!]! - 0.3)).toBeLessThan(0.03);
    expect(Math.abs(gmm.means[order[0]!]! + 5)).toBeLessThan(0.12);
    expect(Math.abs(gmm.means[order[1]!]! - 5)).toBeLessThan(0.05);
    expect(Math.abs(gmm.covariances[order[1]!]! - 0.25)).toBeLessThan(0.03);
    const s = gmm.sample(1000, createRng(9));
    expect(s.n).toBe(1000);
    const lp = gmm.logProb(toSamples([5], 1))[0]!;
    expect(lp).toBeCloseTo(Math.log(0.7 / Math.sqrt(2 * Math.PI * 0.25)), 1);
  });
});
