import { describe, expect, it } from 'vitest';
import { categoricalModel } from './models/categorical';
import { gaussianModel } from './models/gaussian';
import { bestOfKStep, iteratePopulation } from './population';
import { retrain, type RetrainOptions } from './retrain';
import { toSamples } from './samples';

const r = [0, 0.5, 1, 2];
const reward = (x: { data: Float64Array }): Float64Array => x.data.map((v) => r[v]!);
const pData = [0.4, 0.3, 0.2, 0.1];
const realData = (n: number) => {
  const v: number[] = [];
  pData.forEach((q, c) => { for (let i = 0; i < Math.round(q * n); i++) v.push(c); });
  return toSamples(v, 1);
};

describe('retrain', () => {
  it('is deterministic for a seed and changes with it', async () => {
    const run = async (seed: number) =>
      (await retrain({ model: categoricalModel({ numClasses: 4 }), realData: realData(1000), reward, K: 3, syntheticToRealRatio: 1, iterations: 3, seed, evalSamples: 500 })).metrics;
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect((await run(2))[3]!.expectedReward).not.toBe(a[3]!.expectedReward);
  });

  it('curated-only: reward rises towards the top level and the model follows the exact update', async () => {
    const n = 20000;
    const model = categoricalModel({ numClasses: 4 });
    const seen: number[] = [];
    const { metrics } = await retrain({
      model, realData: realData(n), reward, K: 4, syntheticToRealRatio: Infinity, iterations: 4, seed: 5,
      onIteration: (m) => { seen.push(m.iteration); },
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    for (let t = 1; t < metrics.length; t++) expect(metrics[t]!.expectedReward).toBeGreaterThan(metrics[t - 1]!.expectedReward);
    const exact = iteratePopulation(pData, r, { K: 4, iterations: 4 })[4]!;
    // Sampling noise compounds over 4 refits of 20000 points; 0.02 is > 5 standard errors of one class frequency.
    for (let c = 0; c < 4; c++) expect(Math.abs(model.probs[c]! - exact[c]!)).toBeLessThan(0.02);
    expect(metrics[4]!.classProportions![3]!).toBeGreaterThan(0.5);
    expect(metrics[4]!.klToInitial!).toBeGreaterThan(0.3);
  });

  it('with real data: KL(p_data ‖ p_t) stays under log(1+λ) and class proportions stay near the data', async () => {
    const lambda = 0.5;
    const { metrics } = await retrain({
      model: categoricalModel({ numClasses: 4 }), realData: realData(4000), reward, K: 4, syntheticToRealRatio: lambda, iterations: 6, seed: 6,
    });
    // Binned estimate from 2000 samples adds O(B/n) bias; 0.02 of slack covers it.
    for (const m of metrics) expect(m.klToData!).toBeLessThan(Math.log(1 + lambda) + 0.02);
    expect(metrics[6]!.expectedReward).toBeGreaterThan(metrics[0]!.expectedReward + 0.1);
    expect(metrics[6]!.curatedCount).toBe(2000);
    expect(metrics[6]!.realCount).toBe(4000);
  });

  it('curation "none" reproduces plain refitting and the Gaussian metrics are filled', async () => {
    const model = gaussianModel({ dim: 2 });
    const data = toSamples(Array.from({ length: 400 }, (_, i) => [Math.cos(i), Math.sin(i)]));
    const { metrics } = await retrain({
      model, realData: data, reward: (x) => Float64Array.from({ length: x.n }, (_, i) => -Math.abs(x.data[2 * i]!)),
      K: 4, curation: 'none', syntheticToRealRatio: Infinity, iterations: 2, seed: 1, evalSamples: 300,
    });
    expect(metrics).toHaveLength(3);
    const m = metrics[2]!;
    expect(m.rewardQuantiles).toHaveLength(5);
    expect(m.klToData).not.toBeNull();
    expect(m.entropy).not.toBeNull();
    expect(m.wassersteinToData!).toBeGreaterThan(0);
    expect(m.meanExpReward).toBeGreaterThan(0);
  });

  it('λ = 0 keeps the model at the real data; best-of-k through the loop matches F -> F^K', async () => {
    const data = realData(1000);
    const m0 = categoricalModel({ numClasses: 4 });
    await retrain({ model: m0, realData: data, reward, K: 4, syntheticToRealRatio: 0, iterations: 3, seed: 1, evalSamples: 100 });
    expect(Array.from(m0.probs)).toEqual(pData);
    const N = 20000;
    const m1 = categoricalModel({ numClasses: 4, probs: pData });
    await retrain({ model: m1, reward, K: 3, curation: 'best-of-k', syntheticToRealRatio: Infinity, samplesPerIteration: N, iterations: 1, seed: 2, evalSamples: 100 });
    const exact = bestOfKStep(pData, r, 3);
    for (let c = 0; c < 4; c++) expect(Math.abs(m1.probs[c]! - exact[c]!)).toBeLessThan(4.5 * Math.sqrt((exact[c]! * (1 - exact[c]!)) / N));
  });

  it('validates its arguments', async () => {
    const base: RetrainOptions = { model: categoricalModel({ numClasses: 4 }), realData: realData(100), reward, K: 2, syntheticToRealRatio: 1, iterations: 1, seed: 0 };
    await expect(retrain({ ...base, K: 0 })).rejects.toThrow(/K must be an integer >= 1/);
    await expect(retrain({ ...base, beta: -1 })).rejects.toThrow(/retrain: beta must be a finite number >= 0, got -1/);
    await expect(retrain({ ...base, syntheticToRealRatio: -0.5 })).rejects.toThrow(/syntheticToRealRatio must be a number in \[0, Infinity\]/);
    await expect(retrain({ ...base, syntheticToRealRatio: NaN })).rejects.toThrow(/syntheticToRealRatio/);
    await expect(retrain({ ...base, reward: (x) => new Float64Array(x.n).fill(NaN) })).rejects.toThrow(/reward returned NaN for point 0/);
    await expect(retrain({ ...base, realData: toSamples([], 1) })).rejects.toThrow(/realData must contain at least one point/);
    await expect(retrain({ ...base, realData: undefined })).rejects.toThrow(/realData is required when syntheticToRealRatio is finite/);
    await expect(retrain({ ...base, samplesPerIteration: 7 })).rejects.toThrow(/contradicts syntheticToRealRatio=1/);
    await expect(retrain({ ...base, curation: 'top' as never })).rejects.toThrow(/curation must be/);
    await expect(retrain({ ...base, classify: (x) => new Int32Array(x.n).fill(9), numClasses: 4 })).rejects.toThrow(/class indices in \[0, 3\], got 9/);
  });
});
