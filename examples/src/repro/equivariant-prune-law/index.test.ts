import { expect, it } from 'vitest';
import { lawCell, lawCells } from './experiment';

it('a cell is deterministic in its seed, and m needed is the first prefix that reaches ε', async () => {
  const [cell] = lawCells({ configs: [{ id: 'x', family: 'maron-1to1', n: 4, copies: 2, depth: 2, eps: 0.05 }], epsArm: [], seeds: 1, eps: 0.05, mMax: 20, probes: 16, baseSeed: 1 });
  const a = await lawCell.run(cell!);
  const b = await lawCell.run(cell!);
  expect(a).toEqual(b);
  expect(a.mNeeded).toBeGreaterThanOrEqual(1);
  expect(a.mNeeded).toBeLessThanOrEqual(21);
  if (!a.censored) expect(a.errAtM).toBeLessThanOrEqual(0.05);
  expect(a.kept).toBeLessThanOrEqual(a.random);
});

it('the full plan asks for at least 15 seeds on every configuration of the five families', async () => {
  const { lawPlan } = await import('./index');
  const full = lawPlan(false, 0);
  expect(full.seeds).toBeGreaterThanOrEqual(15);
  expect(new Set(full.configs.map((c) => c.family))).toEqual(new Set(['deepsets-orbit', 'maron-1to1', 'maron-2to2', 'c4-regular', 'd4-regular']));
  expect(full.configs.every((c) => c.eps === full.eps)).toBe(true);
  expect(lawPlan(true, 0).configs.length).toBeLessThan(full.configs.length);
});
