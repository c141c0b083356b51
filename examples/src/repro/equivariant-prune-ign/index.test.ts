import { expect, it } from 'vitest';
import { selectBackend } from '@lemma/gpu-kernels';
import { graphLabel, ignInput, messagePassingBasis, sampleGraphs } from './experiment';
import { graphPlan, runGraphs } from './index';
import { createRng } from '@lemma/gpu-kernels';
import { testContext } from '../../lib/test-context';

const ctx = testContext(2);

it('graph data: symmetric 0/1 adjacency, invariant labels, ±1 IGN input', () => {
  const n = 5;
  const { adj, y } = sampleGraphs(createRng(1), 4, n);
  for (let g = 0; g < 4; g++) {
    const a = adj.subarray(g * 25, (g + 1) * 25);
    for (let i = 0; i < n; i++) {
      expect(a[i * n + i]).toBe(0);
      for (let j = 0; j < n; j++) expect(a[i * n + j]).toBe(a[j * n + i]);
    }
    // Relabelling nodes leaves the label unchanged.
    const p = [2, 0, 4, 1, 3];
    const pa = new Float64Array(25);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) pa[p[i]! * n + p[j]!] = a[i * n + j]!;
    expect(graphLabel(pa, n)).toBeCloseTo(y[g]!, 12);
  }
  // Complete graph K5: zero degree variance, triangle density 1.
  const k5 = Float64Array.from({ length: 25 }, (_, t) => (Math.floor(t / 5) === t % 5 ? 0 : 1));
  expect(graphLabel(k5, 5)).toBeCloseTo(1, 12);
  expect(Array.from(ignInput(k5, 5).slice(0, 6))).toEqual([0, 1, 1, 1, 1, 1]);
  expect(messagePassingBasis(k5, 5).elements[1]!.values[0]).toBeCloseTo(0.25, 12);
});

it('a tiny graph plan trains, prunes and reports intervals for both architectures', async () => {
  await selectBackend('cpu');
  const plan = { ...graphPlan(true, 2), seeds: 2, ign: { width: 2, steps: 20, batch: 8 }, mpnn: { width: 2, steps: 20, batch: 8 }, testGraphs: 30, mCap: 12, sweep: [4] };
  const r = await runGraphs(ctx, plan);
  for (const a of ['ign2', 'mpnn']) {
    expect(Number.isFinite(r.metrics[`${a}_target_r2`] as number)).toBe(true);
    expect((r.metrics[`${a}_r2_gap_ci95`] as number[]).length).toBe(2);
    expect(r.metrics[`${a}_invariance_error`] as number).toBeLessThan(1e-9);
    expect(r.metrics[`${a}_f32_vs_f64_max`] as number).toBeLessThan(1e-3);
  }
  expect(Object.keys(r.seeds).length).toBe(5);
  expect(r.tables![2]!.rows.length).toBe(4);
});

it('the full plan has more seeds, steps and test graphs than the quick one', () => {
  const q = graphPlan(true, 0);
  const f = graphPlan(false, 0);
  expect(f.seeds).toBeGreaterThan(q.seeds);
  expect(f.ign.steps).toBeGreaterThan(q.ign.steps);
  expect(f.testGraphs).toBeGreaterThan(q.testGraphs);
});
