import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { quickPlan } from './experiment';
import { runWithPlan } from './index';
import { testContext } from '../../lib/test-context';

beforeAll(async () => {
  await selectBackend({ backend: 'cpu' });
});

const ctx = testContext(4);

it('runs a tiny width sweep with Git Re-Basin as the baseline and a per-pair verdict', async () => {
  const r = await runWithPlan(ctx, { ...quickPlan(4), widths: [8, 16], pairs: 2, epochs: 1, probeRows: 200 });
  expect(typeof r.metrics.gitRebasin_below_unaligned_every_pair).toBe('boolean');
  expect(typeof r.metrics.gitRebasin_barrier_slope_per_log2_width).toBe('number');
  expect(r.metrics.width16_none_barrier as number).toBeGreaterThanOrEqual(0);
  expect(r.figures.map((f) => f.id)).toEqual(['barrier-vs-width']);
  expect(Object.keys(r.seeds).length).toBe(1 + 2 * 2 * 2);
}, 120_000);
