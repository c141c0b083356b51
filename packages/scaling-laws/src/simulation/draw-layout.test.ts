import { describe, expect, it } from 'vitest';
import { checkDrawLayout, sampleStride } from './draw-layout';

describe('draw layout', () => {
  it('pads d features + 1 label noise to whole Philox blocks of 4', () => {
    expect([1, 2, 3, 4, 7, 8, 16].map(sampleStride)).toEqual([4, 4, 4, 8, 8, 12, 20]);
  });

  it('accepts the largest layouts that fit the 32-bit counter words and rejects one past them, naming the argument', () => {
    expect(() => checkDrawLayout('f', 3, 2 ** 32, [0, 2 ** 32])).not.toThrow();
    expect(() => checkDrawLayout('f', 3, 2 ** 32 + 1, [1])).toThrow(/f: batch must be batch \* 4 ceil/);
    expect(() => checkDrawLayout('f', 3, 1, [0, 2 ** 32 + 1])).toThrow(/f: steps must be a last step <= 2\^32/);
  });
});
