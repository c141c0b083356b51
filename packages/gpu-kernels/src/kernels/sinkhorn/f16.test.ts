import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { createRng } from '../../rng/rng';
import { isSinkhornCostF16, packSinkhornCostF16, sinkhornIterations } from './index';
import { unpackCostF16 } from './f16-cpu';
import { float16Bits, float16Value } from './half';

describeEachBackend('packSinkhornCostF16', () => {
  it('stores C_ij − min_j C_ij rounded to binary16 (either neighbour), padding rows to 8 halves', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 21 }), fc.integer({ min: 0, max: 1000 }), fc.constantFrom(1, 100, 1e5), async (n, m, seed, scale) => {
        const rng = createRng(seed);
        const c = Float32Array.from(rng.normalArray(n * m), (v) => v * scale);
        const packed = packSinkhornCostF16(tf.tensor2d(c, [n, m]));
        expect(isSinkhornCostF16(packed)).toBe(true);
        expect(packed.packed.shape).toEqual([n, 4 * Math.ceil(m / 8)]);
        const r = await packed.rowShift.data();
        const words = await packed.packed.data();
        const got = unpackCostF16(words, n, m);
        for (let i = 0; i < n; i++) {
          expect(r[i]).toBe(Math.min(...c.subarray(i * m, (i + 1) * m)));
          for (let j = 0; j < m; j++) {
            const x = Math.min(Math.fround(c[i * m + j]! - r[i]!), 65504);
            // WGSL's pack2x16float may round either way: the stored half is one of x's two binary16 neighbours.
            const near = float16Value(float16Bits(x));
            const other = near <= x ? float16Value(float16Bits(near) + 1) : float16Value(float16Bits(near) - 1);
            const lo = Math.min(near, other);
            const hi = Math.max(near, other);
            if (!(got[i * m + j]! >= (x === near ? x : lo) && got[i * m + j]! <= (x === near ? x : hi))) {
              throw new Error(`(${i}, ${j}): stored ${got[i * m + j]} for ${x}, expected a binary16 neighbour in [${lo}, ${hi}]`);
            }
          }
          const rowWords = 4 * Math.ceil(m / 8);
          for (let j = m; j < 8 * Math.ceil(m / 8); j++) {
            const w = words[i * rowWords + (j >> 1)]!;
            expect((j & 1 ? w >>> 16 : w) & 0xffff).toBe(0);
          }
        }
        packed.dispose();
      }),
      { numRuns: 12 },
    );
  });

  it('is a handle only when made by packSinkhornCostF16, owns two tensors, and rejects bad input', () => {
    const before = tf.memory().numTensors;
    const p = packSinkhornCostF16([[1, 2, 3]]);
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(isSinkhornCostF16({ ...p })).toBe(false);
    p.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const bad1 = tf.zeros([3]);
    const bad2 = tf.zeros([0, 3]);
    expect(() => packSinkhornCostF16(bad1)).toThrow(/packSinkhornCostF16: C must be a 2-D tensor/);
    expect(() => packSinkhornCostF16(bad2)).toThrow(/C must be a non-empty \[n, m\] tensor/);
    expect(tf.memory().numTensors).toBe(before + 2);
    tf.dispose([bad1, bad2]);
    const logA = tf.zeros([1]);
    const logB = tf.zeros([3]);
    expect(() => sinkhornIterations({ C: p, logA, logB, eps: 1, iterations: 1 })).toThrow(/sinkhornIterations: C must be a SinkhornCostF16 that has not been disposed/);
    tf.dispose([logA, logB]);
  });
});
