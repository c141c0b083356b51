import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { expect, it } from 'vitest';
import { nonEmbeddingParams, tinyGPT } from './tiny-gpt';

it('the tiny GPT is causal, seeded, and its outputs are distributions', async () => {
  await selectBackend('cpu');
  const V = 5, L = 6;
  const model = tinyGPT(V, L, 8, 1, 2, 3);
  const ids = [0, 1, 2, 3, 4, 0];
  const changed = [0, 1, 2, 4, 0, 3]; // differs from position 3 on
  const x = tf.oneHot(tf.tensor2d([ids, changed], [2, L], 'int32'), V);
  const y = model.predict(x) as tf.Tensor3D;
  const p = (await y.array()) as number[][][];
  for (const row of p[0]!) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  for (let i = 0; i < 3; i++) for (let v = 0; v < V; v++) expect(p[1]![i]![v]).toBeCloseTo(p[0]![i]![v]!, 6); // no look-ahead
  expect(Math.abs(p[1]![3]![0]! - p[0]![3]![0]!)).toBeGreaterThan(1e-6); // but it does read the past
  const again = (await (tinyGPT(V, L, 8, 1, 2, 3).predict(x) as tf.Tensor).array()) as number[][][];
  expect(again).toEqual(p);
  // Seed 0 too (tfjs reads an initialiser seed of 0 as 'unseeded'), and different seeds differ.
  const at = async (seed: number) => (await (tinyGPT(V, L, 8, 2, 2, seed).predict(x) as tf.Tensor).data())[0]!;
  expect(await at(0)).toBe(await at(0));
  expect(await at(0)).not.toBe(await at(1));
  tf.dispose([x, y]);
  model.dispose();
});

it('nonEmbeddingParams counts the blocks and the final norm, not the embeddings or the head', async () => {
  await selectBackend('cpu');
  const V = 5, L = 6, d = 8;
  const m = tinyGPT(V, L, d, 2, 2, 1);
  const block = 2 * d + d * 3 * d + d * d + 2 * d + d * 4 * d + 4 * d + 4 * d * d + d; // ln1, qkv, o, ln2, mlp
  expect(nonEmbeddingParams(m)).toBe(2 * block + 2 * d);
  expect(m.countParams()).toBe(nonEmbeddingParams(m) + V * d + L * d + d * V + V);
  m.dispose();
});
