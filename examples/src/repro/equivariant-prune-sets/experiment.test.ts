import { selectBackend } from '@lemma/gpu-kernels';
import { expect, it } from 'vitest';
import { type SetCell, setsGroupKey, setsTrainGroup } from './experiment';
import { TINY_PLAN } from './index';

const cells: SetCell[] = [
  { task: 'sum', taskIndex: 0, seed: 3, plan: TINY_PLAN },
  { task: 'max', taskIndex: 1, seed: 3, plan: TINY_PLAN },
];

const maxGap = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let g = 0;
  for (let i = 0; i < a.length; i++) g = Math.max(g, Math.abs(a[i]! - b[i]!));
  return g;
};

it('both tasks trained together as K = 2 models give each task trained alone', async () => {
  await selectBackend('cpu');
  const together = await setsTrainGroup.run(cells);
  for (const [k, c] of cells.entries()) {
    const [alone] = await setsTrainGroup.run([c]);
    // The cpu backend runs each model's slice of the batched matMuls with the K = 1 loops and Adam is elementwise,
    // so both are the same float32 arithmetic (measured: identical); 1e-6 on coefficients in [-1, 1] leaves room for
    // a different summation tiling only, while training moves them by > 1e-2 (checked below).
    together[k]!.coeffs.forEach((c, i) => expect(maxGap(c, alone!.coeffs[i]!)).toBeLessThan(1e-6));
    together[k]!.biases.forEach((b, i) => expect(maxGap(b, alone!.biases[i]!)).toBeLessThan(1e-6));
    expect(together[k]!.testX).toEqual(alone!.testX);
    expect(together[k]!.testY).toEqual(alone!.testY);
  }
  // The tasks are different models on different labels.
  expect(maxGap(together[0]!.coeffs[0]!, together[1]!.coeffs[0]!)).toBeGreaterThan(1e-2);
});

it('a group whose cells differ in more than the task is refused', async () => {
  expect(setsGroupKey({ ...cells[0]!, task: 'max', taskIndex: 1 })).toBe(setsGroupKey(cells[0]!));
  expect(setsGroupKey({ ...cells[0]!, seed: 4 })).not.toBe(setsGroupKey(cells[0]!));
  await expect(setsTrainGroup.run([cells[0]!, { ...cells[1]!, plan: { ...TINY_PLAN, steps: 21 } }])).rejects.toThrow(/may differ only in task; cells\[1\]/);
  await expect(setsTrainGroup.run([])).rejects.toThrow(/non-empty/);
});
