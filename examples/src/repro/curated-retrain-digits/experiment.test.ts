import { describe, expect, it } from 'vitest';
import { selectBackend } from '@lemma/gpu-kernels';
import { runDigits, EXPECTED } from './index';
import type { DigitsPlan } from './experiment';
import { testContext } from '../../lib/test-context';

const TINY: DigitsPlan = { nReal: 200, pcaDim: 4, components: 3, emIterations: 5, K: 4, gamma: 5, iterations: 2, classifierEpochs: 1, classifierDigits: 600, evalSamples: 100, seeds: [0, 1], gridDigits: 2 };

describe('curated-retrain-digits', () => {
  it('states the two-level expectation before the run (0.10 → 0.34 → 0.80 → 0.996; λ = 1 plateau ≈ 0.52)', () => {
    const c = EXPECTED.twoLevel.curatedOnly;
    expect(c[0]).toBeCloseTo(0.1, 12);
    expect(c[1]).toBeCloseTo(0.34, 2);
    expect(c[2]).toBeCloseTo(0.8, 2);
    expect(c[3]).toBeGreaterThan(0.99);
    expect(EXPECTED.twoLevel.lambda1[10]).toBeCloseTo(0.52, 2);
  });

  it('runs a tiny plan on the cpu backend and returns the issue metrics, per-seed values and figures', async () => {
    await selectBackend({ backend: 'cpu' });
    const ctx = testContext(3);
    const res = await runDigits(ctx, TINY);
    for (const k of ['digit0_share_curated_only_final', 'digit0_share_lambda1_final', 'confidence_tv_curated_only', 'confidence_tv_lambda1']) {
      const v = res.metrics[k] as number;
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1);
    }
    expect(res.metrics.digit0_share_curated_only_curve as number[]).toHaveLength(TINY.iterations + 1);
    expect(res.metrics.confidence_tv_lambda1_per_seed as number[]).toHaveLength(TINY.seeds.length);
    expect(typeof res.reproduced).toBe('boolean');
    expect(res.figures.map((f) => f.id)).toEqual(['digits-class0-share', 'digits-confidence-proportions', 'digits-reward', 'digits-frechet', 'digits-samples']);
    expect(res.seeds.classifier).toBe(3031);
  });
});
