import { expect, it } from 'vitest';
import { graphLabel, ignInput, messagePassingBasis, sampleGraphs } from './experiment';
import { graphPlan } from './index';
import { createRng } from '@lemma/gpu-kernels';

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

it('the full plan has more seeds, steps and test graphs than the quick one', () => {
  const q = graphPlan(true, 0);
  const f = graphPlan(false, 0);
  expect(f.seeds).toBeGreaterThan(q.seeds);
  expect(f.ign.steps).toBeGreaterThan(q.ign.steps);
  expect(f.testGraphs).toBeGreaterThan(q.testGraphs);
});
