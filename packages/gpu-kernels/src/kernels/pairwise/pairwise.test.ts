import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../../testing/backends';
import { assertAllClose } from '../../testing/numeric';
import { innerProduct, pairwiseSqDist } from './index';
import { pairwiseReference } from './reference';

const arbCase = fc
  .record({ batch: fc.integer({ min: 1, max: 2 }), n: fc.integer({ min: 1, max: 70 }), m: fc.integer({ min: 1, max: 70 }), d: fc.integer({ min: 1, max: 20 }) })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      x: fc.float32Array({ minLength: s.batch * s.n * s.d, maxLength: s.batch * s.n * s.d, min: -4, max: 4, noNaN: true }),
      y: fc.float32Array({ minLength: s.batch * s.m * s.d, maxLength: s.batch * s.m * s.d, min: -4, max: 4, noNaN: true }),
    }),
  );

describeEachBackend('pairwiseSqDist / innerProduct', () => {
  it('match the float64 reference on random batched shapes', async () => {
    await fc.assert(
      fc.asyncProperty(arbCase, async ({ s, x, y }) => {
        const xs = tf.tensor(x, [s.batch, s.n, s.d]);
        const ys = tf.tensor(y, [s.batch, s.m, s.d]);
        for (const [fn, kind] of [[pairwiseSqDist, 'sqdist'], [innerProduct, 'inner']] as const) {
          const out = fn(xs, ys);
          expect(out.shape).toEqual([s.batch, s.n, s.m]);
          // d float32 products/sums of terms bounded by 64 (sqdist) or 16 (inner): error <= 2·d·u·d·64.
          const atol = 4 * s.d * s.d * 64 * 2 ** -24 + 1e-6;
          assertAllClose(await out.data(), pairwiseReference(kind, x, y, s.batch, s.n, s.m, s.d), { rtol: 4 * s.d * 2 ** -24, atol, label: kind });
          out.dispose();
        }
        xs.dispose();
        ys.dispose();
      }),
      { numRuns: 12 },
    );
  });

  it('distances of a set to itself are ~0 on the diagonal and symmetric', async () => {
    const x = tf.tensor2d([[1e3, 1e3 + 1], [1e3 + 0.5, 1e3], [3, 4]]);
    const d = Array.from(await pairwiseSqDist(x, x).data());
    expect([d[0], d[4], d[8]]).toEqual([0, 0, 0]);
    expect(d[1]).toBeCloseTo(1.25, 6);
    expect(d[1]).toBe(d[3]);
  });

  it('gradients match finite differences of the reference', async () => {
    const x = tf.tensor2d([[0.3, -1], [2, 0.5], [1, 1]]);
    const y = tf.tensor2d([[1, 2], [-0.5, 0.25]]);
    const w = tf.tensor2d([[1, -2], [0.5, 3], [2, 1]]);
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(pairwiseSqDist(a, b), w)))([x, y]);
    const [hx, hy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(innerProduct(a, b), w)))([x, y]);
    // Closed forms: d/dx_i = 2 Σ_j w_ij (x_i − y_j); inner: d/dx = w·y, d/dy = wᵀ·x.
    const X = [[0.3, -1], [2, 0.5], [1, 1]];
    const Y = [[1, 2], [-0.5, 0.25]];
    const W = [[1, -2], [0.5, 3], [2, 1]];
    const ex = X.map((xi, i) => xi.map((_, k) => 2 * Y.reduce((s, yj, j) => s + W[i]![j]! * (xi[k]! - yj[k]!), 0)));
    const ey = Y.map((yj, j) => yj.map((_, k) => 2 * X.reduce((s, xi, i) => s + W[i]![j]! * (yj[k]! - xi[k]!), 0)));
    assertAllClose(await gx!.data(), ex.flat(), { rtol: 1e-5, atol: 1e-5, label: 'dx' });
    assertAllClose(await gy!.data(), ey.flat(), { rtol: 1e-5, atol: 1e-5, label: 'dy' });
    const ix = X.map((_, i) => [0, 1].map((k) => Y.reduce((s, yj, j) => s + W[i]![j]! * yj[k]!, 0)));
    const iy = Y.map((_, j) => [0, 1].map((k) => X.reduce((s, xi, i) => s + W[i]![j]! * xi[k]!, 0)));
    assertAllClose(await hx!.data(), ix.flat(), { rtol: 1e-5, atol: 1e-5, label: 'inner dx' });
    assertAllClose(await hy!.data(), iy.flat(), { rtol: 1e-5, atol: 1e-5, label: 'inner dy' });
  });

  it('rejects mismatched shapes and dtypes with clear errors', () => {
    expect(() => pairwiseSqDist(tf.zeros([3, 2]), tf.zeros([4, 3]))).toThrow(/pairwiseSqDist: y must be a tensor with 2 features \(last dim of x\), got shape \[4, 3\]/);
    expect(() => innerProduct(tf.zeros([3]), tf.zeros([3]))).toThrow(/innerProduct: x must be a tensor of rank >= 2/);
    expect(() => pairwiseSqDist(tf.zeros([2, 3, 2]), tf.zeros([3, 3, 2]))).toThrow(/y must be a tensor with the batch dims of x \[2\]/);
    expect(() => pairwiseSqDist(tf.zeros([2, 2], 'int32'), tf.zeros([2, 2]))).toThrow(/x must be a float32 tensor, got an int32 tensor/);
  });
});
