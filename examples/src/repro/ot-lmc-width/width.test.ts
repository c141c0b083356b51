import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { augmentedMoment, quickPlan, teacherProblem, widthCells, type WidthPlan } from './experiment';
import { runWithPlan } from './index';
import { testContext } from '../../lib/test-context';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const ctx = testContext(5);

it('the teacher inputs x = U z carry E||x||² = k and the bias row of the moment is exactly 1', () => {
  const p = teacherProblem(1, 3, 6, 4000, 10);
  const m = augmentedMoment(p.xTrain, 4000, 6);
  let tr = 0;
  for (let i = 0; i < 6; i++) tr += m.data[i * 7 + i]!;
  expect(tr).toBeGreaterThan(3 * 0.9); // E||Uz||² = k
  expect(tr).toBeLessThan(3 * 1.1);
  expect(m.data[6 * 7 + 6]).toBe(1);
  expect(teacherProblem(1, 3, 6, 4000, 10)).toBe(p); // cached per thread
});

it('cells carry distinct seeds and run largest widths first', () => {
  const cells = widthCells(quickPlan(2));
  const seeds = new Set(cells.flatMap((c) => [c.seedA, c.seedB]));
  expect(seeds.size).toBe(cells.length * 2);
  expect(cells[0]!.width).toBe(512);
  expect(cells[cells.length - 1]!.width).toBe(32);
});

it('runs a tiny plan end to end with the width metric names', async () => {
  const plan: WidthPlan = { ...quickPlan(5), widths: [16, 32, 64], pairs: [3, 3, 3], nTrain: 128, nTest: 256, steps: 30, inputDim: 40 };
  const r = await runWithPlan(ctx, plan);
  for (const k of ['width_slope_k8', 'width_slope_k8_se', 'width_slope_k32', 'width_slope_k32_se']) expect(typeof r.metrics[k]).toBe('number');
  expect(r.metrics.width_slope_k8_theory).toBeCloseTo(-1 / 8, 12);
  expect(typeof r.reproduced).toBe('boolean');
  expect(r.figures.map((f) => f.id)).toEqual(['lmc-error-vs-width', 'w2-vs-width', 'barrier-vs-width']);
  expect(r.metrics.width_w2_slope_k32_theory).toBeCloseTo(-2 / 33, 12);
}, 120_000);
