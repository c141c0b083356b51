import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { gaussianModel } from './gaussian';
import { toSamples } from '../samples';

describe('collapse controls without curation', () => {
  // σ²_t is a product of t independent χ²_{n-1}/n (or /(n-1)) factors; its variance is known in closed form,
  // so the tolerance is 4 standard errors of the mean over R replicates.
  const n = 10;
  const t = 5;
  const R = 20000;
  const run = (variance: 'mle' | 'unbiased', seed: number): number => {
    const rng = createRng(seed);
    let acc = 0;
    for (let rep = 0; rep < R; rep++) {
      const g = gaussianModel({ dim: 1, variance });
      for (let s = 0; s < t; s++) g.fit(g.sample(n, rng));
      acc += g.covariance[0]! / R;
    }
    return acc;
  };
  const momentsOfFactor = (denom: number): [number, number] => [(n - 1) / denom, ((n - 1) ** 2 + 2 * (n - 1)) / denom ** 2];

  it('Gaussian refitting with the 1/n estimator: E[σ²_t] = ((n-1)/n)^t σ²_0', () => {
    const [m1, m2] = momentsOfFactor(n);
    const mean = m1 ** t;
    const se = Math.sqrt((m2 ** t - mean ** 2) / R);
    expect(Math.abs(run('mle', 1) - mean)).toBeLessThan(4 * se);
  });

  it('Gaussian refitting with the unbiased estimator keeps E[σ²_t] = σ²_0 (a martingale)', () => {
    const [m1, m2] = momentsOfFactor(n - 1);
    expect(m1).toBe(1);
    const se = Math.sqrt((m2 ** t - 1) / R);
    expect(Math.abs(run('unbiased', 2) - 1)).toBeLessThan(4 * se);
  });
});

describe('gaussianModel', () => {
  it('Gaussian fit matches the sample moments and logProb the density', () => {
    const g = gaussianModel({ dim: 2 });
    g.fit(toSamples([[0, 0], [2, 0], [0, 2], [2, 2]]));
    expect(Array.from(g.mean)).toEqual([1, 1]);
    expect(Array.from(g.covariance)).toEqual([1, 0, 0, 1]);
    expect(g.logProb(toSamples([[1, 1]]))[0]).toBeCloseTo(-Math.log(2 * Math.PI), 12);
    const u = gaussianModel({ dim: 1, variance: 'unbiased' });
    u.fit(toSamples([0, 2], 1));
    expect(u.covariance[0]).toBe(2);
    expect(() => u.fit(toSamples([1], 1))).toThrow(/needs n >= 2/);
  });
});
