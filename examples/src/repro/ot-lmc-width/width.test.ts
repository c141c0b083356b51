import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { augmentedMoment, quickPlan, teacherProblem, widthCells } from './experiment';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

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
