import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, describe, expect, it } from 'vitest';
import { getParams, interpolate, interpolateParams } from './params';
import { makeMlp } from './test-models';

beforeAll(async () => {
  await selectBackend('cpu');
});

describe('interpolation', () => {
  it('interpolation reproduces both endpoints exactly', async () => {
    const A = await makeMlp([4, 6, 3], 21);
    const B = await makeMlp([4, 6, 3], 22);
    const [pa, pb] = [await getParams(A), await getParams(B)];
    for (const [t, want] of [[0, pa], [1, pb]] as const) {
      const p = interpolateParams(pa, pb, t);
      for (const k of Object.keys(pa)) expect(Array.from(p[k]!.values)).toEqual(Array.from(want[k]!.values));
    }
    const m = await interpolate(A, B, 1);
    const pm = await getParams(m);
    for (const k of Object.keys(pb)) expect(Array.from(pm[k]!.values)).toEqual(Array.from(pb[k]!.values));
    for (const t of [A, B, m]) t.dispose();
  });
});
