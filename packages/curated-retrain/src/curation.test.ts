import { describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { bestOfKSelect, globalSoftmaxSelect, luceSelect } from './curation';
import { categoricalModel } from './models/categorical';
import { bestOfKStep, curatedStep } from './population';
import { retrain } from './retrain';

/** Empirical class frequencies of the values at `idx` in `values`. */
const freq = (values: Float64Array, idx: Int32Array, C: number): number[] => {
  const c = new Array<number>(C).fill(0);
  for (const i of idx) c[values[i]!]! += 1 / idx.length;
  return c;
};

/** Multinomial bound: |q̂ - q| <= 4.5·sqrt(q(1-q)/N) per class (a 4.5σ band; false-alarm rate ~1e-5 per class). */
const expectWithinMultinomialBand = (emp: ArrayLike<number>, q: ArrayLike<number>, N: number): void => {
  for (let i = 0; i < q.length; i++) {
    const sd = Math.sqrt((q[i]! * (1 - q[i]!)) / N);
    expect(Math.abs(emp[i]! - q[i]!)).toBeLessThanOrEqual(4.5 * sd + 1e-12);
  }
};

describe('curation operators', () => {
  const p = [0.4, 0.3, 0.1, 0.2];
  const r = [0, 1, 1, 0.5];

  it('per-group Gumbel-max matches the exact Luce update p·H_K (Monte Carlo vs exact)', () => {
    const N = 20000;
    for (const sampler of ['gumbel', 'inverse-cdf'] as const) {
      for (const [K, beta] of [[2, 1], [4, 1], [3, 2.5]] as const) {
        const rng = createRng(100 + K);
        const pool = categoricalModel({ numClasses: 4, probs: p }).sample(N * K, rng);
        const scores = pool.data.map((v) => r[v]!);
        const idx = luceSelect(scores, K, rng.fork(9), beta, sampler);
        expectWithinMultinomialBand(freq(pool.data, idx, 4), curatedStep(p, r, { K, beta }), N);
      }
    }
  });

  it('hard best-of-K matches the exact F -> F^K update', () => {
    const N = 20000;
    const K = 3;
    const rng = createRng(7);
    const pool = categoricalModel({ numClasses: 4, probs: p }).sample(N * K, rng);
    const idx = bestOfKSelect(pool.data.map((v) => r[v]!), K);
    expectWithinMultinomialBand(freq(pool.data, idx, 4), bestOfKStep(p, r, K), N);
  });

  it('"score one pool, sample globally" is a different operator from the per-group choice', () => {
    const N = 20000;
    const K = 2;
    const rng = createRng(11);
    const q = [0.5, 0.5];
    const rr = [0, 1];
    const pool = categoricalModel({ numClasses: 2, probs: q }).sample(N * K, rng);
    const scores = pool.data.map((v) => rr[v]!);
    const globalFreq = freq(pool.data, globalSoftmaxSelect(scores, N, rng.fork(1)), 2);
    const exact = curatedStep(q, rr, { K });
    // The global filter over-selects the high-reward class far beyond the Luce band (p·H gives 0.6155).
    expect(Math.abs(globalFreq[1]! - exact[1]!)).toBeGreaterThan(10 * Math.sqrt((exact[1]! * exact[0]!) / N));
    // And it never repeats a candidate.
    expect(new Set(globalSoftmaxSelect(scores, N, rng.fork(2))).size).toBe(N);
  });

  it('the retraining loop refits a categorical model to the exact p·H_K after one iteration', async () => {
    const N = 20000;
    const model = categoricalModel({ numClasses: 4, probs: p });
    await retrain({
      model, reward: (x) => x.data.map((v) => r[v]!), K: 4, syntheticToRealRatio: Infinity,
      iterations: 1, samplesPerIteration: N, seed: 3, evalSamples: 200,
    });
    expectWithinMultinomialBand(model.probs, curatedStep(p, r, { K: 4 }), N);
  });

  it('rejects malformed groups, NaN scores and bad m', () => {
    const rng = createRng(0);
    expect(() => luceSelect([1, 2, 3], 2, rng)).toThrow(/whole groups of K=2/);
    expect(() => luceSelect([1, NaN], 2, rng)).toThrow(/rewards must be finite, got NaN at candidate 1/);
    expect(() => luceSelect([1, 2], 0, rng)).toThrow(/K must be an integer >= 1/);
    expect(() => globalSoftmaxSelect([1, 2], 3, rng)).toThrow(/m must be <= the pool size 2/);
  });
});
