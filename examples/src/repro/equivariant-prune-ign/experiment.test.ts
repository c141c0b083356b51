import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { type GraphArch, type GraphCell, graphCells, graphGroupKey, graphTrainGroup } from './experiment';
import { tinyGraphPlan } from './index';

/** The tiny plan's two seeds of each architecture. */
const cellsOf = (arch: GraphArch): GraphCell[] => graphCells(tinyGraphPlan(2)).filter((c) => c.arch === arch);

const maxGap = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  expect(a.length).toBe(b.length);
  let g = 0;
  for (let i = 0; i < a.length; i++) g = Math.max(g, Math.abs(a[i]! - b[i]!));
  return g;
};

beforeAll(async () => {
  await selectBackend('cpu');
});

for (const arch of ['ign2', 'mpnn'] as const) {
  it(`${arch}: two seeds trained together as K = 2 models give each seed trained alone`, async () => {
    const cells = cellsOf(arch);
    expect(cells.length).toBe(2);
    const live = tf.memory().numTensors;
    const together = await graphTrainGroup.run(cells);
    // Every tensor of the training (variables, Adam's slots, constants, batches) is disposed.
    expect(tf.memory().numTensors).toBe(live);
    for (const [m, c] of cells.entries()) {
      const [alone] = await graphTrainGroup.run([c]);
      expect(together[m]!.cell).toEqual(c);
      // The cpu backend runs each model's slice of the batched matMuls with the loops of a lone model, and Adam and the
      // clip are elementwise, so both are the same float32 arithmetic (measured: gap 0). 1e-6 (~16 float32 ulps at 1,
      // coefficients lie in [-1, 1]) leaves room only for a reordered summation, far below the > 1e-2 between seeds (below).
      together[m]!.coeffs.forEach((w, i) => expect(maxGap(w, alone!.coeffs[i]!)).toBeLessThan(1e-6));
      together[m]!.biases.forEach((b, i) => expect(maxGap(b, alone!.biases[i]!)).toBeLessThan(1e-6));
      // Test outputs: the same, up to the network's amplification of those coefficient differences.
      expect(maxGap(together[m]!.f32Out, alone!.f32Out)).toBeLessThan(1e-5);
    }
    // Each model keeps its own seed: different inits and batches give different targets.
    expect(maxGap(together[0]!.coeffs[0]!, together[1]!.coeffs[0]!)).toBeGreaterThan(1e-2);
    expect(together[0]!.trainSeconds).toBe(together[1]!.trainSeconds);
  });
}

it('a group whose cells differ in more than the seed is refused, naming the cell', async () => {
  const [a, b] = cellsOf('ign2');
  expect(graphGroupKey({ ...a!, seed: 99 })).toBe(graphGroupKey(a!));
  expect(graphGroupKey({ ...a!, steps: 21 })).not.toBe(graphGroupKey(a!));
  expect(graphGroupKey(cellsOf('mpnn')[0]!)).not.toBe(graphGroupKey(a!));
  await expect(graphTrainGroup.run([a!, { ...b!, width: 3 }])).rejects.toThrow(/may differ only in seed; cells\[1\] is .*"width":3/);
  await expect(graphTrainGroup.run([])).rejects.toThrow(/non-empty/);
});

it('map groups the seeds of each architecture (as on webgpu) and returns results in the order of the cells', async () => {
  const cells = graphCells(tinyGraphPlan(2));
  // backend 'webgpu' only picks the grouping here; with one worker the groups run inline on this thread's cpu backend.
  const grouped = await graphTrainGroup.map({ backend: 'webgpu', workers: 1 }, cells, graphGroupKey);
  const alone = await graphTrainGroup.map({ backend: 'cpu', workers: 1 }, cells, graphGroupKey);
  expect(grouped.map((t) => t.cell)).toEqual(cells);
  grouped.forEach((t, j) => t.coeffs.forEach((w, i) => expect(maxGap(w, alone[j]!.coeffs[i]!)).toBeLessThan(1e-6)));
  // One group per architecture: its models share the group's wall time.
  expect(grouped[0]!.trainSeconds).toBe(grouped[1]!.trainSeconds);
});
