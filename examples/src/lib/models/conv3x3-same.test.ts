import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@lemma/gpu-kernels';
import { beforeAll, expect, it } from 'vitest';
import { conv3x3Same, patches3x3 } from './conv3x3-same';

// x [n, h, w, c] and w [3, 3, c, co] as flat row-major arrays, x read as 0 outside the image ('same' padding).
const n = 2, h = 4, wd = 5, c = 3, co = 2;
const xs = Float32Array.from({ length: n * h * wd * c }, (_, i) => Math.sin(1.3 * i + 0.2));
const ws = Float32Array.from({ length: 9 * c * co }, (_, i) => Math.cos(0.7 * i - 0.4));
const dys = Float32Array.from({ length: n * h * wd * co }, (_, i) => Math.sin(0.9 * i + 1));
const xAt = (b: number, i: number, j: number, ch: number) => (i < 0 || i >= h || j < 0 || j >= wd ? 0 : xs[((b * h + i) * wd + j) * c + ch]!);

beforeAll(async () => {
  await selectBackend('cpu');
});

it('conv3x3Same: [n, h, w, cOut] output equal to the direct sum over the 3x3 window (zero padding)', async () => {
  const y = conv3x3Same(tf.tensor4d(xs, [n, h, wd, c]), tf.tensor4d(ws, [3, 3, c, co]));
  expect(y.shape).toEqual([n, h, wd, co]);
  const got = await y.data();
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++)
        for (let o = 0; o < co; o++) {
          let s = 0;
          for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) for (let ch = 0; ch < c; ch++) s += xAt(b, i + u - 1, j + v - 1, ch) * ws[((u * 3 + v) * c + ch) * co + o]!;
          expect(got[((b * h + i) * wd + j) * co + o]).toBeCloseTo(s, 5);
        }
  y.dispose();
});

it('patches3x3 lays out column (u·3 + v)·c + channel of row (b·h + i)·w + j', async () => {
  const p = patches3x3(tf.tensor4d(xs, [n, h, wd, c]));
  expect(p.shape).toEqual([n * h * wd, 9 * c]);
  const got = await p.data();
  for (let b = 0; b < n; b++)
    for (let i = 0; i < h; i++)
      for (let j = 0; j < wd; j++)
        for (let u = 0; u < 3; u++) for (let v = 0; v < 3; v++) for (let ch = 0; ch < c; ch++) expect(got[((b * h + i) * wd + j) * 9 * c + (u * 3 + v) * c + ch]).toBe(xAt(b, i + u - 1, j + v - 1, ch));
  p.dispose();
});

it('conv3x3Same: the filter gradient (patchesᵀ · dy) and the input gradient match tf.conv2d with its native gradients', async () => {
  const x = tf.tensor4d(xs, [n, h, wd, c]);
  const w = tf.tensor4d(ws, [3, 3, c, co]);
  const dy = tf.tensor4d(dys, [n, h, wd, co]);
  const loss = (f: (a: tf.Tensor4D, b: tf.Tensor4D) => tf.Tensor4D) => (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), dy));
  const [dxOurs, dwOurs] = tf.grads(loss(conv3x3Same))([x, w]);
  const [dxRef, dwRef] = tf.grads(loss((a, b) => tf.conv2d(a, b, 1, 'same')))([x, w]);
  const [a, b, r, q] = await Promise.all([dxOurs!.data(), dwOurs!.data(), dxRef!.data(), dwRef!.data()]);
  expect(dwOurs!.shape).toEqual([3, 3, c, co]);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(r[i]!, 5);
  for (let i = 0; i < b.length; i++) expect(b[i]).toBeCloseTo(q[i]!, 5);
  tf.dispose([x, w, dy, dxOurs!, dwOurs!, dxRef!, dwRef!]);
});
