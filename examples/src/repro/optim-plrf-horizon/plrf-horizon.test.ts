import { selectBackend } from '@lemma/gpu-kernels';
import { expect, it } from 'vitest';
import { bestRun, computeMultipliers, fitHorizonSlope, lrGrid, stepsToReach, summariseLog, trainHorizon, trainHorizonGroup, type OptimizerScaling, type PlrfOptimizerName } from './experiment';

it('lrGrid is a ×2 grid of n points around the centre', () => {
  const g = lrGrid(1e-3, 11);
  expect(g).toHaveLength(11);
  expect(g[5]).toBeCloseTo(1e-3, 15);
  for (let i = 1; i < g.length; i++) expect(g[i]! / g[i - 1]!).toBeCloseTo(2, 12);
  expect(lrGrid(1, 3)).toEqual([0.5, 1, 2]);
});

it('bestRun ignores diverged runs', () => {
  expect(bestRun([{ finalExcess: null }, { finalExcess: 3 }, { finalExcess: 2 }])).toEqual({ finalExcess: 2 });
  expect(bestRun([{ finalExcess: null }])).toBeNull();
});

it('the horizon slope recovers an exact power law, and the multiplier interpolates or extrapolates it', () => {
  const Ts = [1000, 1000, 4000, 4000, 16000, 16000];
  const ys = Ts.map((T, i) => 2 * T ** -0.6 * (i % 2 ? 1.01 : 0.99));
  const f = fitHorizonSlope(Ts, ys)!;
  expect(f.slope).toBeCloseTo(0.6, 6);
  expect(f.lo).toBeLessThan(0.6);
  expect(f.hi).toBeGreaterThan(0.6);
  expect(fitHorizonSlope([1000, 1000, 1000], [1, 2, 3])).toBeNull(); // one horizon: no slope
  const H = [1000, 4000, 16000];
  const ml = H.map((T) => Math.log(2 * T ** -0.6));
  const fit = { slope: 0.6, logA: Math.log(2) };
  const mid = stepsToReach(H, ml, 2 * 2000 ** -0.6, fit);
  expect(mid.extrapolated).toBe(false);
  expect(mid.steps).toBeCloseTo(2000, 6);
  const far = stepsToReach(H, ml, 2 * 64000 ** -0.6, fit);
  expect(far.extrapolated).toBe(true);
  expect(far.steps).toBeCloseTo(64000, 3);
  // ADANA risk at T equal to AdamW's at 4T: multiplier 4, its interval brackets it.
  const pt = (T: number, e: number) => ({ optimizer: 'adamw' as const, T, bestLr: 1, atEdge: false, sweep: [], finals: [e], seeds: [0], summary: summariseLog([e * 0.9, e * 1.1]), curve: [] });
  const adam: OptimizerScaling = { optimizer: 'adamw', points: H.map((T) => pt(T, 2 * T ** -0.6)), slope: { slope: 0.6, lo: 0.5, hi: 0.7 }, logA: Math.log(2) };
  const other: OptimizerScaling = { optimizer: 'adana-k0.5', points: [{ ...pt(1000, 2 * 4000 ** -0.6), optimizer: 'adana-k0.5' }], slope: null, logA: null };
  const [m] = computeMultipliers(adam, other);
  expect(m!.multiplier).toBeCloseTo(4, 1);
  expect(m!.lo).toBeLessThan(m!.multiplier);
  expect(m!.hi).toBeGreaterThan(m!.multiplier);
});

it('a training cell lowers the excess risk, is deterministic, and flags divergence', async () => {
  await selectBackend('cpu');
  const problem = { alpha: 1, beta: 0.3, d: 24, batch: 4, instanceSeed: 3 };
  const a = await trainHorizon({ problem, optimizer: 'adana-k0.5', T: 60, lr: 1e-2, seed: 5 });
  const b = await trainHorizon({ problem, optimizer: 'adana-k0.5', T: 60, lr: 1e-2, seed: 5 });
  expect(a.curveExcess).toEqual(b.curveExcess);
  expect(a.curveSteps.at(-1)).toBe(60);
  expect(a.finalExcess!).toBeLessThan(a.curveExcess[0]!);
  const bad = await trainHorizon({ problem, optimizer: 'sgd-momentum', T: 200, lr: 1e3, seed: 5 });
  expect(bad.finalExcess).toBeNull();
  expect(bad.curveSteps.at(-1)!).toBeLessThan(200);
}, 60_000);

it('K cells trained as one group give each cell trained alone: shared or own data, per-model LR, several optimizers, a diverging model isolated', async () => {
  await selectBackend('cpu');
  const problem = { alpha: 1, beta: 0.3, d: 24, batch: 4, instanceSeed: 3 };
  const cell = (lr: number, seed: number, optimizer: PlrfOptimizerName = 'adamw') => ({ problem, optimizer, T: 150, lr, seed });
  // One LR sweep at one seed (shared batches), one seed set (own batches), a mix of both (gathered batches), and
  // several optimizers in one group (one variable and optimizer each, rows interleaved).
  const mixed = [cell(1e-2, 5), cell(4e-3, 6, 'adana-k0.5'), cell(3e-2, 5), cell(1e3, 6, 'sgd-momentum'), cell(8e-3, 5, 'adana-k0.5')];
  for (const cells of [[cell(1e-2, 5), cell(4e-2, 5), cell(1e3, 5)], [cell(2e-2, 5), cell(2e-2, 6)], [cell(1e-2, 5), cell(2e-2, 6), cell(4e-2, 5)], mixed]) {
    const group = await trainHorizonGroup(cells);
    for (const [k, c] of cells.entries()) {
      const alone = await trainHorizon(c);
      const g = group[k]!;
      expect(g.curveSteps).toEqual(alone.curveSteps);
      expect(g.finalExcess === null).toBe(alone.finalExcess === null);
      // float32 matmuls over a batch axis of K vs 1 may sum in another order: a few ulps per step, compounding over 150 steps.
      g.curveExcess.forEach((e, i) => expect(Math.abs(e - alone.curveExcess[i]!)).toBeLessThanOrEqual(1e-4 * Math.abs(alone.curveExcess[i]!) + 1e-12));
    }
  }
  expect((await trainHorizonGroup([cell(1e3, 5)]))[0]!.finalExcess).toBeNull();
}, 120_000);

