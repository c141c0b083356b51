import { expect, it } from 'vitest';
import { epsArmConfigs, lawCell, lawCells, type LawPlan } from './experiment';
import { runLaw } from './index';
import { testContext } from '../../lib/test-context';

const ctx = testContext(3);

it('a tiny law plan runs, records seeds and reports the three law metrics', async () => {
  const eps = 0.1;
  const plan: LawPlan = {
    configs: [
      { id: 'a', family: 'maron-1to1', n: 4, copies: 1, depth: 1, eps },
      { id: 'b', family: 'maron-1to1', n: 4, copies: 2, depth: 2, eps },
      { id: 'c', family: 'deepsets-orbit', n: 4, copies: 1, depth: 2, eps },
    ],
    epsArm: epsArmConfigs([0.3, 0.1]).map((c) => ({ ...c, n: 4, copies: 1 })),
    seeds: 3,
    eps,
    mMax: 16,
    probes: 8,
    baseSeed: 3,
  };
  const r = await runLaw(ctx, plan);
  for (const k of ['law_slope', 'law_slope_se', 'law_r2']) expect(Number.isFinite(r.metrics[k] as number)).toBe(true);
  expect(r.metrics.configurations).toBe(3);
  expect(typeof r.reproduced).toBe('boolean');
  expect(r.seeds.base).toBe(3);
  expect(r.tables![0]!.rows.length).toBe(5);
  expect(r.figures.map((f) => f.id)).toEqual(['law', 'counts', 'eps-arm']);
});

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
