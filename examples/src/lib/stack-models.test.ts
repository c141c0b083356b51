import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { readModelRows, stackModels } from './stack-models';

beforeAll(async () => {
  await selectBackend('cpu');
});

it('stackModels concatenates the parts in model order as float32', () => {
  const s = stackModels([[1, 2], Float64Array.of(0.1, 4, 5), []]);
  expect(s).toBeInstanceOf(Float32Array);
  expect(Array.from(s)).toEqual([1, 2, Math.fround(0.1), 4, 5]);
  expect(stackModels([]).length).toBe(0);
});

it('readModelRows splits each [K, w] variable into its K rows, as float64, per model then per variable', async () => {
  const a = tf.variable(tf.tensor2d([[1, 2, 3], [4, 5, 6]]));
  const b = tf.variable(tf.tensor2d([[0.5], [-0.25]]));
  const rows = await readModelRows([a, b], 2);
  expect(rows.map((m) => m.map((r) => Array.from(r)))).toEqual([[[1, 2, 3], [0.5]], [[4, 5, 6], [-0.25]]]);
  expect(rows[0]![0]).toBeInstanceOf(Float64Array);
  tf.dispose([a, b]);
});
