import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { expect, it } from 'vitest';
import { loadCorpus, matchingBudget, runCharLM, stepToReach, tinyGPT } from './optim';

it('matchingBudget interpolates the AdamW budget that reaches a target loss', () => {
  expect(matchingBudget([1, 1.5], [2.4, 2.2], 2.5)).toEqual({ mult: 1, extrapolated: false }); // AdamW already there
  expect(matchingBudget([1, 1.5], [2.4, 2.2], 2.3).mult).toBeCloseTo(1.25, 12);
  const far = matchingBudget([1, 2], [2.4, 2.3], 2.2); // one more halving of loss per doubling
  expect(far.extrapolated).toBe(true);
  expect(far.mult).toBeCloseTo(4, 12);
  expect(matchingBudget([1, 2], [2.4, 2.5], 2.2).mult).toBeNull(); // loss does not fall with budget
});

it('stepToReach interpolates the first crossing of a validation curve', () => {
  const steps = [0, 100, 200, 300];
  const loss = [4.4, 2.6, 2.4, 2.3];
  expect(stepToReach(steps, loss, 2.5)).toBeCloseTo(150, 12);
  expect(stepToReach(steps, loss, 2.3)).toBe(300);
  expect(stepToReach(steps, loss, 5)).toBe(0);
  expect(stepToReach(steps, loss, 2.2)).toBeNull(); // never reached within the budget
  expect(stepToReach([0, 10, 20], [3, 2, 2.5], 2.2)).toBeCloseTo(8, 12); // first crossing, not the last
});

it('the shipped Moby-Dick fixture loads as a character corpus', () => {
  const c = loadCorpus();
  expect(c.ids.length).toBeGreaterThan(250_000);
  expect(c.vocab.length).toBeGreaterThan(60);
  expect(c.vocab.length).toBeLessThan(100);
  expect(c.split).toBe(Math.floor(c.ids.length * 0.9));
  expect(c.ids.reduce((a, b) => Math.max(a, b), 0)).toBe(c.vocab.length - 1);
});

it('the tiny GPT is causal, seeded, and its outputs are distributions', async () => {
  await selectBackend('cpu');
  const V = 5, L = 6;
  const model = tinyGPT(V, L, 8, 1, 2, 3);
  const ids = [0, 1, 2, 3, 4, 0];
  const changed = [0, 1, 2, 4, 0, 3]; // differs from position 3 on
  const x = tf.oneHot(tf.tensor2d([ids, changed], [2, L], 'int32'), V);
  const y = model.predict(x) as tf.Tensor3D;
  const p = (await y.array()) as number[][][];
  for (const row of p[0]!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  for (let i = 0; i < 3; i++) for (let v = 0; v < V; v++) expect(p[1]![i]![v]).toBeCloseTo(p[0]![i]![v]!, 6); // no look-ahead
  expect(Math.abs(p[1]![3]![0]! - p[0]![3]![0]!)).toBeGreaterThan(1e-6); // but it does read the past
  const again = (await (tinyGPT(V, L, 8, 1, 2, 3).predict(x) as tf.Tensor).array()) as number[][][];
  expect(again).toEqual(p);
  // Seed 0 too (tfjs reads an initialiser seed of 0 as 'unseeded'), and different seeds differ.
  const at = async (seed: number) => (await (tinyGPT(V, L, 8, 2, 2, seed).predict(x) as tf.Tensor).data())[0]!;
  expect(await at(0)).toBe(await at(0));
  expect(await at(0)).not.toBe(await at(1));
  tf.dispose([x, y]);
  model.dispose();
});

it('a micro full-mode run sweeps, measures seed noise and only claims a win beyond it', async () => {
  await selectBackend('cpu');
  const ctx = { quick: false, seed: 0, backend: 'cpu', workers: 1, progress: () => ({ tick() {}, done() {} }), log: () => {} };
  const plan = { sizes: [{ d: 8, layers: 1, heads: 2 }], steps: 12, batch: 4, evalEvery: 4, lrFactors: [0.5, 1], seeds: 2, adamLong: 2, valWindows: 8 };
  const r = await runCharLM(ctx, plan);
  const m = r.metrics as Record<string, unknown>;
  expect(r.seeds).toEqual({ seed0: 0, seed1: 1 });
  expect(typeof m['d8×1_seed_noise']).toBe('number');
  const noise = m['d8×1_seed_noise'] as number;
  const margin = m['d8×1_adamw_minus_adana'] as number;
  expect(m['d8×1_adana_wins']).toBe(margin > noise);
  expect(r.reproduced).toBe(margin > noise);
  expect(r.tables![0]!.rows).toHaveLength(1);
  // One seed: no noise estimate, so never reproduced.
  const one = await runCharLM(ctx, { ...plan, seeds: 1, lrFactors: [1], adamLong: 0 });
  expect(one.reproduced).toBe(false);
  expect((one.metrics as Record<string, unknown>)['d8×1_seed_noise']).toBeNull();
}, 60_000);
