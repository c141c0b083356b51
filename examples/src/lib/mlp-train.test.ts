import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { trainMlp, trainMlps, warmupCosine, type MlpTrainPlan } from './mlp-train';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const n = 40;
const x = Float32Array.from({ length: n * 6 }, (_, i) => Math.sin(0.7 * i + 0.3));
const labels = Uint8Array.from({ length: n }, (_, i) => (i * 7) % 3);
const targets = Float32Array.from({ length: n }, (_, i) => Math.cos(0.9 * i));

const minibatch: MlpTrainPlan = { sizes: [6, 8, 5, 3], parametrisation: 'standard', loss: 'softmaxCrossEntropy', init: { kind: 'lecun' }, epochs: 3, batchSize: 10, lr: 0.05, schedule: 'warmupCosine', warmupSteps: 3, momentum: 0.9, seed: 4 };
const meanField: MlpTrainPlan = { sizes: [6, 16, 1], parametrisation: 'meanField', loss: 'squared', init: { kind: 'meanField', weightStd: 0.5 }, epochs: 12, batchSize: n, lr: 0.5 * 16, schedule: 'constant', warmupSteps: 0, momentum: 0, seed: 4 };

/** Largest |a - b| over every kernel and bias of two weight lists. */
function maxDiff(a: { kernels: Float32Array[]; biases: Float32Array[] }, b: { kernels: Float32Array[]; biases: Float32Array[] }): number {
  let m = 0;
  [...a.kernels, ...a.biases].forEach((v, j) => v.forEach((u, i) => (m = Math.max(m, Math.abs(u - [...b.kernels, ...b.biases][j]![i]!)))));
  return m;
}

for (const [label, base, y] of [
  ['minibatch SGD + momentum, warmup-cosine, cross-entropy', minibatch, labels],
  ['full-batch mean-field GD, squared loss, no output bias', meanField, targets],
] as const) {
  it(`K models trained together equal each trained alone (${label}; per-model lr and seed)`, async () => {
    const plans = [0.5, 1, 2].map((f, k) => ({ ...base, lr: base.lr * f, seed: base.seed + 11 * k }));
    const together = await trainMlps(plans, { x, y, n });
    for (const [k, p] of plans.entries()) {
      const alone = await trainMlp(p, { x, y, n });
      // The cpu backend's batched matMul runs each model's slice with the same loop as K = 1, so the float32
      // arithmetic is the same op for op; 1e-6 leaves room for a different summation tiling and nothing else.
      expect(maxDiff(together[k]!, alone)).toBeLessThan(1e-6);
      expect(Math.abs(together[k]!.finalLoss - alone.finalLoss)).toBeLessThan(1e-6);
      expect(Number.isFinite(alone.finalLoss)).toBe(true);
    }
    // Different lrs and seeds must give different nets (the models are not aliases of one another).
    expect(maxDiff(together[0]!, together[1]!)).toBeGreaterThan(1e-3);
  });
}

it('rejects plans that differ in more than lr and seed, naming the field', async () => {
  await expect(trainMlps([minibatch, { ...minibatch, epochs: 2 }], { x, y: labels, n })).rejects.toThrow(/plans\[1\]\.epochs is 2/);
  await expect(trainMlps([], { x, y: labels, n })).rejects.toThrow(/non-empty/);
});

it('warmupCosine: linear warmup from 1e-6 to the peak, cosine to 0 at the last step', () => {
  expect(warmupCosine(0, 0.1, 10, 100)).toBeCloseTo(1e-6, 12);
  expect(warmupCosine(10, 0.1, 10, 100)).toBeCloseTo(0.1, 12);
  expect(warmupCosine(55, 0.1, 10, 100)).toBeCloseTo(0.05, 12);
  expect(warmupCosine(100, 0.1, 10, 100)).toBeCloseTo(0, 12);
});
