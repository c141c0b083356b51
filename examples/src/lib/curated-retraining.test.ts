import type { IterationMetrics } from '@lemma/curated-retrain';
import { expect, it } from 'vitest';
import { curveRows, mixtureSamples } from './curated-retraining';

it('mixtureSamples: labels follow the weights and each component has its centre and std (5-standard-error bounds)', () => {
  const n = 20000;
  const centres = [[0, 0], [10, -5], [-3, 8]];
  const stds = [1, 0.5, 2];
  const weights = [0.5, 0.3, 0.2];
  const { x, labels } = mixtureSamples(n, centres, stds, weights, 4);
  expect([x.n, x.dim, x.data.length, labels.length]).toEqual([n, 2, 2 * n, n]);
  for (let c = 0; c < 3; c++) {
    const idx = Array.from(labels.keys()).filter((i) => labels[i] === c);
    const p = idx.length / n;
    expect(Math.abs(p - weights[c]!)).toBeLessThan(5 * Math.sqrt((weights[c]! * (1 - weights[c]!)) / n));
    for (const d of [0, 1]) {
      const v = idx.map((i) => x.data[2 * i + d]!);
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      const s2 = v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1);
      expect(Math.abs(m - centres[c]![d]!)).toBeLessThan((5 * stds[c]!) / Math.sqrt(v.length));
      // Var of the sample variance of a normal: 2σ⁴/(n − 1).
      expect(Math.abs(s2 - stds[c]! ** 2)).toBeLessThan(5 * stds[c]! ** 2 * Math.sqrt(2 / (v.length - 1)));
    }
  }
  // Reproducible per seed, different across seeds.
  expect(Array.from(mixtureSamples(10, centres, stds, weights, 4).x.data)).toEqual(Array.from(mixtureSamples(10, centres, stds, weights, 4).x.data));
  expect(Array.from(mixtureSamples(10, centres, stds, weights, 5).x.data)).not.toEqual(Array.from(mixtureSamples(10, centres, stds, weights, 4).x.data));
});

it('curveRows picks one metric per iteration (null as NaN)', () => {
  const metrics = [
    { iteration: 0, expectedReward: 0.5, klToData: 0.1 },
    { iteration: 1, expectedReward: 0.75, klToData: null },
  ] as unknown as IterationMetrics[];
  expect(curveRows(metrics, 'λ=1', 'expectedReward')).toEqual([
    { iteration: 0, value: 0.5, setting: 'λ=1' },
    { iteration: 1, value: 0.75, setting: 'λ=1' },
  ]);
  const kl = curveRows(metrics, 's', 'klToData');
  expect(kl[0]!.value).toBe(0.1);
  expect(Number.isNaN(kl[1]!.value)).toBe(true);
});
