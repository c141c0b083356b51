import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { activateBackend } from '@lemma/gpu-kernels/testing';
import { flowMatchingModel, type FlowMatchingModel } from './flow-matching';
import { toSamples } from '../samples';

// CPU backend only: the model is plain tfjs ops, and a tiny net keeps this under a few seconds.
describe('flowMatchingModel [cpu]', () => {
  let model: FlowMatchingModel;
  beforeAll(async () => {
    const reason = await activateBackend('cpu');
    if (reason) throw new Error(reason);
  });
  afterAll(() => model?.dispose());

  it('learns a shifted, scaled blob and samples deterministically', async () => {
    const rng = createRng(1);
    const data = toSamples(Array.from(rng.normalArray(1000), (v, i) => (i % 2 === 0 ? 3 + 0.5 * v : -2 + 0.5 * v)), 2);
    model = flowMatchingModel({ seed: 0, hidden: 32, layers: 2, stepsPerFit: 150, batchSize: 128, sampleSteps: 8 });
    await expect(model.sample(5, createRng(0))).rejects.toThrow(/call fit\(\) first/);
    await model.fit(data);
    expect(Number.isFinite(model.lastLoss)).toBe(true);
    const s = await model.sample(1000, createRng(2));
    let mx = 0;
    let my = 0;
    for (let i = 0; i < s.n; i++) {
      mx += s.data[2 * i]! / s.n;
      my += s.data[2 * i + 1]! / s.n;
    }
    // Standardised coordinates make the mean easy; 0.25 (half a data SD) allows for an under-trained field.
    expect(Math.abs(mx - 3)).toBeLessThan(0.25);
    expect(Math.abs(my + 2)).toBeLessThan(0.25);
    const again = await model.sample(1000, createRng(2));
    expect(again.data).toEqual(s.data);
  });
});
