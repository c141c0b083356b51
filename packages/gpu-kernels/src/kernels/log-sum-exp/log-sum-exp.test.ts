import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { arbMatrix } from '../../testing/arbitraries';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { logSumExp } from './index';
import { logSumExpReference } from './reference';
import { createRng } from '../../rng/rng';

describeEachBackend('logSumExp', () => {
  it('matches the float64 reference along both axes (vec4 and scalar widths)', async () => {
    await fc.assert(
      fc.asyncProperty(arbMatrix({ maxRows: 300, maxCols: 40, scale: 50 }), fc.constantFrom(0 as const, 1 as const), async (mat, axis) => {
        const x = tf.tensor2d(Float32Array.from(mat.data), [mat.rows, mat.cols]);
        const out = logSumExp(x, { axis });
        // LSE = max + log(s) with s in [1, len]: each exp/log/sum adds ~len·u relative error to s, which is an
        // absolute error ~len·u on log s, plus u·|max| from the final addition.
        const len = axis === 1 ? mat.cols : mat.rows;
        assertAllClose(await out.data(), logSumExpReference(mat.data, mat.rows, mat.cols, axis), { rtol: 4 * 2 ** -24, atol: 8 * len * 2 ** -24 + 1e-6 });
        x.dispose();
        out.dispose();
      }),
      { numRuns: 20 },
    );
  });

  it('column reduction matches the reference on shapes that are not multiples of the tiles (strips of 64, chunks of 16)', async () => {
    const rng = createRng(5);
    for (const [n, m] of [[1037, 260], [2051, 3], [33, 4 * 64 + 4], [1, 9], [4099, 68]] as const) {
      const data = Float64Array.from(rng.normalArray(n * m), (v) => Math.fround(20 * v));
      const x = tf.tensor2d(Float32Array.from(data), [n, m]);
      const out = logSumExp(x, { axis: 0 });
      assertAllClose(await out.data(), logSumExpReference(data, n, m, 0), { rtol: 4 * 2 ** -24, atol: 8 * n * 2 ** -24 + 1e-6, label: `${n}x${m}` });
      tf.dispose([x, out]);
    }
  });

  it('is shift invariant: LSE(x + c) = LSE(x) + c, with no overflow at large c', async () => {
    await fc.assert(
      fc.asyncProperty(arbMatrix({ maxRows: 20, maxCols: 20, scale: 5 }), fc.constantFrom(-1000, 80, 1000), async (mat, c) => {
        const x = tf.tensor2d(Float32Array.from(mat.data), [mat.rows, mat.cols]);
        const a = await logSumExp(x).data();
        const b = await logSumExp(tf.add(x, c)).data();
        // |c| = 1000 is exact-ish in f32 but x + c rounds each entry by u·1000 ≈ 6e-5.
        assertAllClose(b, Array.from(a, (v) => v + c), { rtol: 0, atol: 2e-4 });
      }),
      { numRuns: 10 },
    );
  });

  it('gradient is the softmax along the reduced axis', async () => {
    const x = tf.tensor2d([[0, 1, 2], [3, 3, 3]]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, { axis: 1 })))(x);
    const s = [0, 1, 2].map((v) => Math.exp(v) / (1 + Math.E + Math.E ** 2));
    assertAllClose(await g.data(), [...s, 1 / 3, 1 / 3, 1 / 3], { rtol: 1e-5, atol: 1e-6 });
    const g0 = tf.grad((t: tf.Tensor) => tf.sum(logSumExp(t, { axis: 0 })))(x);
    const c = [0, 1, 2].map((v) => [Math.exp(v) / (Math.exp(v) + Math.exp(3)), Math.exp(3) / (Math.exp(v) + Math.exp(3))]);
    assertAllClose(await g0.data(), [c[0]![0]!, c[1]![0]!, c[2]![0]!, c[0]![1]!, c[1]![1]!, c[2]![1]!], { rtol: 1e-5, atol: 1e-6 });
  });

  it('rejects bad input', () => {
    expect(() => logSumExp(tf.zeros([3]))).toThrow(/logSumExp: x must be a 2-D tensor, got shape \[3\]/);
    expect(() => logSumExp(tf.zeros([2, 0]))).toThrow(/x must be a tensor with a non-empty axis 1 \(the reduced one\), got shape \[2, 0\]/);
    expect(() => logSumExp(tf.zeros([2, 2]), { axis: 2 as 0 })).toThrow(/axis must be 0, 1 or -1, got 2/);
  });
});
