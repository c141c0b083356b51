import { selectBackend } from '@lemma/gpu-kernels';
import { expect, it } from 'vitest';
import { loadTextCorpus, TEXT_VALIDATION_CHARS } from '../../fixtures/text';
import { computeMultiplier, fitLr, matchingBudget, stepToReach, trainStarts, uniqueTokens } from './experiment';
import { runCharLM } from './index';
import { testContext } from '../../lib/test-context';

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
  expect(stepToReach(steps, loss, 2.2)).toBeNull();
  expect(stepToReach([0, 10, 20], [3, 2, 2.5], 2.2)).toBeCloseTo(8, 12); // first crossing, not the last
});

it('computeMultiplier reads budgets above 1 from the final losses and below 1 from the 1× curve', () => {
  const curve = { steps: [0, 50, 100], loss: [4, 2.6, 2.4] };
  expect(computeMultiplier([1, 1.25, 1.5], [[2.4], [2.3], [2.2]], curve, 100, 2.25).mult).toBeCloseTo(1.375, 12);
  expect(computeMultiplier([1, 1.25, 1.5], [[2.4], [2.3], [2.2]], curve, 100, 2.5).mult).toBeCloseTo(0.75, 12);
});

it('the paper LR fits give its example peak LRs (0.88M non-embedding parameters)', () => {
  expect(fitLr('adamw', 0.88e6)).toBeCloseTo(1.1e-2, 3);
  expect(fitLr('adana', 0.88e6)).toBeCloseTo(4.4e-3, 3);
});

it('the text fixture holds > 20M characters in 96 symbols, and a run never reads a training window twice', () => {
  const c = loadTextCorpus();
  expect(c.ids.length).toBeGreaterThan(20_000_000);
  expect(c.vocab).toHaveLength(96);
  expect(c.split).toBe(c.ids.length - TEXT_VALIDATION_CHARS);
  expect(c.ids.reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(96);
  // A small split: windows of 4 over 103 characters (25 windows); 6 steps × 4 windows wrap nowhere.
  const seen = new Set<number>();
  for (let t = 0; t < 6; t++) for (const s of trainStarts(103, 7, t, 4, 4)) {
    expect(s % 4).toBe(0);
    expect(s + 4).toBeLessThanOrEqual(102);
    expect(seen.has(s)).toBe(false);
    seen.add(s);
  }
  expect(uniqueTokens(103, 6, 4, 4)).toBe(96);
  expect(uniqueTokens(103, 100, 4, 4)).toBe(100); // capped at the split's 25 windows
  expect(trainStarts(c.split, 0, 0, 1, 32)).not.toEqual(trainStarts(c.split, 1, 0, 1, 32)); // seeds read different text
});

it('a micro plan sweeps, runs seeds and AdamW budgets, and reports the headline metrics', async () => {
  await selectBackend('cpu');
  const ctx = testContext(0);
  const plan = { sizes: [{ d: 8, layers: 1, heads: 2 }], sweepSteps: 40, lrFactors: [0.5, 1], steps: 40, adamMults: [1, 1.25, 1.5], seeds: 2, batch: 2, context: 8, evalEvery: 20, valWindows: 4 };
  // T ≥ 40: ADANA's log-time decay needs ω/(T/10 + 1) < 1 and AdamW's λ = ω/(γT) needs 4/T < 1.
  const r = await runCharLM(ctx, plan);
  for (const k of ['charlm_compute_multiplier', 'charlm_tokens_seen', 'charlm_unique_tokens']) expect(k in r.metrics).toBe(true);
  expect(r.metrics.charlm_tokens_seen).toBe(60 * 2 * 8); // AdamW's 1.5× run
  expect(r.metrics.charlm_unique_tokens).toBe(r.metrics.charlm_tokens_seen);
  expect(r.tables![0]!.rows).toHaveLength(1);
  expect(r.seeds).toEqual({ seed0: 0, seed1: 1 });
  expect(typeof r.reproduced).toBe('boolean');
}, 120_000);
