import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { categoricalModel } from './models/categorical';
import { gaussianModel } from './models/gaussian';
import { gaussianMixtureModel } from './models/gmm';
import { toSamples } from './samples';

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

  it('discrete refitting is absorbed in state i with probability p_0(i)', () => {
    const p0 = [0.5, 0.3, 0.2];
    const R2 = 2000;
    const rng = createRng(5);
    const hits = [0, 0, 0];
    for (let rep = 0; rep < R2; rep++) {
      const m = categoricalModel({ numClasses: 3, probs: p0 });
      for (let it = 0; it < 10000 && Math.max(...m.probs) < 1; it++) m.fit(m.sample(10, rng));
      hits[m.probs.indexOf(1)]! += 1 / R2;
    }
    for (let i = 0; i < 3; i++) expect(Math.abs(hits[i]! - p0[i]!)).toBeLessThan(4 * Math.sqrt((p0[i]! * (1 - p0[i]!)) / R2));
  });
});

describe('models', () => {
  it('categorical fit is the exact empirical frequency and logProb is its log', () => {
    const m = categoricalModel({ numClasses: 3 });
    m.fit(toSamples([0, 2, 2, 2], 1));
    expect(Array.from(m.probs)).toEqual([0.25, 0, 0.75]);
    expect(Array.from(m.logProb(toSamples([0, 1], 1)))).toEqual([Math.log(0.25), -Infinity]);
    expect(new Set(m.sample(200, createRng(1)).data)).toEqual(new Set([0, 2]));
    expect(() => m.fit(toSamples([3], 1))).toThrow(/class indices in \[0, 2\], got 3/);
  });

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
