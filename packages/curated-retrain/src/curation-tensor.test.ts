import { expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { luceSelectTensor } from './curation-tensor';
import { categoricalModel } from './models/categorical';
import { curatedStep } from './population';
import { retrain } from './retrain';

describeEachBackend('luceSelectTensor', () => {
  it('matches the exact Luce update p·H_K within a multinomial band', async () => {
    const p = [0.4, 0.3, 0.1, 0.2];
    const r = [0, 1, 1, 0.5];
    const K = 4;
    const N = 8000;
    const pool = categoricalModel({ numClasses: 4, probs: p }).sample(N * K, createRng(21));
    const idx = await luceSelectTensor(pool.data.map((v) => r[v]!), { K, beta: 1.5, seed: 5, stream: 3 });
    const emp = [0, 0, 0, 0];
    idx.forEach((i, g) => {
      expect(Math.floor(i / K)).toBe(g); // one winner inside each group
      emp[pool.data[i]!]! += 1 / N;
    });
    const q = curatedStep(p, r, { K, beta: 1.5 });
    // 4.5σ multinomial band per class.
    for (let c = 0; c < 4; c++) expect(Math.abs(emp[c]! - q[c]!)).toBeLessThan(4.5 * Math.sqrt((q[c]! * (1 - q[c]!)) / N));
  });

  it("retrain({ selection: 'tensor' }) refits to p·H_K", async () => {
    const p = [0.5, 0.3, 0.2];
    const r = [0, 2, 1];
    const N = 8000;
    const model = categoricalModel({ numClasses: 3, probs: p });
    await retrain({ model, reward: (x) => x.data.map((v) => r[v]!), K: 3, syntheticToRealRatio: Infinity, iterations: 1, samplesPerIteration: N, seed: 4, selection: 'tensor', evalSamples: 100 });
    const q = curatedStep(p, r, { K: 3 });
    for (let c = 0; c < 3; c++) expect(Math.abs(model.probs[c]! - q[c]!)).toBeLessThan(4.5 * Math.sqrt((q[c]! * (1 - q[c]!)) / N));
  });

  it('validates group shape', async () => {
    await expect(luceSelectTensor([1, 2, 3], { K: 2, seed: 0 })).rejects.toThrow(/whole groups of K=2/);
  });
});
