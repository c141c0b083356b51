import { expect, it } from 'vitest';
import { loadCorpus, matchingBudget } from './optim';

it('matchingBudget interpolates the AdamW budget that reaches a target loss', () => {
  expect(matchingBudget([1, 1.5], [2.4, 2.2], 2.5)).toEqual({ mult: 1, extrapolated: false }); // AdamW already there
  expect(matchingBudget([1, 1.5], [2.4, 2.2], 2.3).mult).toBeCloseTo(1.25, 12);
  const far = matchingBudget([1, 2], [2.4, 2.3], 2.2); // one more halving of loss per doubling
  expect(far.extrapolated).toBe(true);
  expect(far.mult).toBeCloseTo(4, 12);
  expect(matchingBudget([1, 2], [2.4, 2.5], 2.2).mult).toBeNull(); // loss does not fall with budget
});

it('the shipped Moby-Dick fixture loads as a character corpus', () => {
  const c = loadCorpus();
  expect(c.ids.length).toBeGreaterThan(250_000);
  expect(c.vocab.length).toBeGreaterThan(60);
  expect(c.vocab.length).toBeLessThan(100);
  expect(c.split).toBe(Math.floor(c.ids.length * 0.9));
  expect(c.ids.reduce((a, b) => Math.max(a, b), 0)).toBe(c.vocab.length - 1);
});
