import { expect, it } from 'vitest';
import { SET_SIZE, SET_TASKS, setLabel } from './experiment';
import { FULL_PLAN, QUICK_PLAN, TINY_PLAN } from './index';

it('set labels are the mean (set-sum) and the largest element (set-max), invariant to the order', () => {
  const s = Float32Array.of(0.5, -1, 0.25, 1, -0.5, 0.75);
  expect(s.length).toBe(SET_SIZE);
  expect(SET_TASKS).toEqual(['sum', 'max']);
  expect(setLabel('sum', s)).toBeCloseTo(1 / 6, 12);
  expect(setLabel('max', s)).toBe(1);
  const r = Float32Array.from([...s].reverse());
  for (const t of SET_TASKS) expect(setLabel(t, r)).toBe(setLabel(t, s));
});

it('every plan has the 20 test sets the invariance check reads', () => {
  for (const p of [TINY_PLAN, QUICK_PLAN, FULL_PLAN]) expect(p.testSets).toBeGreaterThanOrEqual(20);
  expect(QUICK_PLAN.width).toBeLessThan(FULL_PLAN.width);
});
