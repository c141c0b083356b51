import { expect, it } from 'vitest';
import { prepareDigits } from './experiment';
import { FULL_PLAN, QUICK_PLAN, TINY_PLAN } from './index';

it('prepareDigits averages 2x2 blocks to 14x14 and turns each digit by its quarter turns', () => {
  // One 28x28 digit with a single lit 2x2 block at rows 0-1, columns 2-3: pixel (0, 1) of the 14x14 image.
  const x = new Float32Array(784);
  for (const o of [2, 3, 30, 31]) x[o] = 1;
  const lit = (r: number) => [...prepareDigits(x, 1, Uint8Array.of(r))].flatMap((v, i) => (v === 0 ? [] : [[Math.floor(i / 14), i % 14, v]]));
  expect(lit(0)).toEqual([[0, 1, 1]]);
  // (p, q) -> (q, 13 - p) per quarter turn.
  expect(lit(1)).toEqual([[1, 13, 1]]);
  expect(lit(2)).toEqual([[13, 12, 1]]);
  expect(lit(3)).toEqual([[12, 0, 1]]);
});

it('the plans grow from tiny to quick to full', () => {
  expect(TINY_PLAN.channels).toBeLessThan(QUICK_PLAN.channels);
  expect(QUICK_PLAN.channels).toBeLessThan(FULL_PLAN.channels);
  expect(QUICK_PLAN.epochs).toBeLessThan(FULL_PLAN.epochs);
  for (const p of [TINY_PLAN, QUICK_PLAN, FULL_PLAN]) expect(p.maskedDigits).toBeLessThanOrEqual(p.invarianceDigits);
});
