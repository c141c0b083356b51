import * as tf from '@tensorflow/tfjs-core';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { describeEachBackend } from '../testing/backends';
import { assertAllClose } from '../testing/numeric';
import { randomNormal } from '../kernels/random/index';
import { kConv2d, kConv2dVariables, kPool2d } from './k-conv';
import { kLinear, kLinearVariables } from './k-mlp';
import type { KLinear } from './k-mlp';
import { kCrossEntropy } from './k-loss';

/** float64 NHWC convolution of one model, TensorFlow padding rules; x [B, H, W, Cin], w [k, k, Cin, Cout]. */
function conv64(x: Float32Array, xs: number[], w: Float32Array, bias: Float32Array, k: number, cout: number, stride: number, padding: 'same' | 'valid'): number[] {
  const [B, H, W, cin] = xs as [number, number, number, number];
  const dim = (n: number) => {
    if (padding === 'valid') return { out: Math.ceil((n - k + 1) / stride), before: 0 };
    const out = Math.ceil(n / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + k - n, 0) / 2) };
  };
  const hd = dim(H);
  const wd = dim(W);
  const y: number[] = [];
  for (let b = 0; b < B; b++)
    for (let oh = 0; oh < hd.out; oh++)
      for (let ow = 0; ow < wd.out; ow++)
        for (let co = 0; co < cout; co++) {
          let s = bias[co]!;
          for (let i = 0; i < k; i++)
            for (let j = 0; j < k; j++) {
              const ih = oh * stride + i - hd.before;
              const iw = ow * stride + j - wd.before;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              for (let c = 0; c < cin; c++) s += x[((b * H + ih) * W + iw) * cin + c]! * w[((i * k + j) * cin + c) * cout + co]!;
            }
          y.push(s);
        }
  return y;
}

interface KCnn {
  conv: KLinear;
  dense: KLinear;
  variables: tf.Variable[];
}

/** conv(relu) -> 2x2 max pool -> dense: the shape of equivariant-prune's small CNNs. */
function kCnn(K: number, seeds: number[], cin: number, ch: number, hw: number, classes: number): KCnn {
  const conv = kConv2dVariables({ K, seeds, kernelSize: 3, inChannels: cin, outChannels: ch, layer: 0 });
  const dense = kLinearVariables({ K, seeds, inDim: Math.floor(hw / 2) ** 2 * ch, outDim: classes, layer: 1 });
  return { conv, dense, variables: [conv.w, conv.b, dense.w, dense.b] };
}
function kCnnForward(net: KCnn, x: tf.Tensor): tf.Tensor3D {
  return tf.tidy(() => {
    const h = kPool2d(kConv2d(x, net.conv.w, net.conv.b, { activation: 'relu' }), { type: 'max', size: 2 });
    const [K, B] = h.shape;
    return kLinear(tf.reshape(h, [K, B, -1]) as tf.Tensor3D, net.dense);
  });
}

describeEachBackend('kConv2d', (backend) => {
  it('each model equals a float64 convolution (strides 1, 2, 3; same and valid; shared and per-model x)', async () => {
    for (const [stride, padding, k, shared] of [[1, 'same', 3, false], [2, 'same', 3, true], [1, 'valid', 3, true], [2, 'valid', 2, false], [3, 'same', 3, false], [1, 'same', 1, true]] as const) {
      const K = 2;
      const [B, H, W, cin, cout] = [2, 7, 6, 3, 4];
      const { w, b } = kConv2dVariables({ K, seeds: [4, 5], kernelSize: k, inChannels: cin, outChannels: cout, layer: 0 });
      const x = shared ? randomNormal([B, H, W, cin], 8) : randomNormal([K, B, H, W, cin], 8);
      const y = kConv2d(x, w, b, { stride, padding });
      const [xv, wv, bv, yv] = (await Promise.all([x.data(), w.data(), b.data(), y.data()])) as Float32Array[];
      const per = yv!.length / K;
      for (let m = 0; m < K; m++) {
        const xm = shared ? xv! : xv!.subarray(m * B * H * W * cin, (m + 1) * B * H * W * cin);
        const ref = conv64(xm, [B, H, W, cin], wv!.subarray(m * k * k * cin * cout, (m + 1) * k * k * cin * cout), bv!.subarray(m * cout, (m + 1) * cout), k, cout, stride, padding);
        expect(per).toBe(ref.length);
        // Dot products of k·k·Cin <= 27 O(1) terms in float32: error <= 27·2^-24·sum|terms| < 1e-5 here.
        assertAllClose(yv!.subarray(m * per, (m + 1) * per), ref, { rtol: 1e-5, atol: 1e-5, label: `stride ${stride} ${padding} k=${k} model ${m}` });
      }
      [w, b, x, y].forEach((t) => t.dispose());
    }
  });

  // The reference needs Conv2DBackpropFilter, which tfjs-wasm lacks (kConv2d itself needs no conv kernel at all).
  it.skipIf(backend === 'wasm')('gradients with respect to w, b and x equal those of tf.conv2d per model', async () => {
    for (const [stride, padding] of [[1, 'same'], [2, 'same'], [1, 'valid']] as const) {
      const K = 2;
      const { w, b } = kConv2dVariables({ K, seeds: [1, 3], kernelSize: 3, inChannels: 2, outChannels: 3, layer: 0 });
      const x = randomNormal([K, 2, 5, 5, 2], 21);
      // Rank-2 slices: the slice gradient (pad) of tfjs-webgpu does not compile for rank 5.
      const pick = (t: tf.Tensor, m: number) => tf.reshape(tf.slice(tf.reshape(t, [K, -1]), [m, 0], [1, -1]), t.shape.slice(1));
      const probe = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
      const ours = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => probe(kConv2d(xx, ww, bb, { stride, padding })))([x, w, b]);
      const theirs = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        probe(tf.stack([0, 1].map((m) => tf.add(tf.conv2d(pick(xx, m) as tf.Tensor4D, pick(ww, m) as tf.Tensor4D, stride, padding), pick(bb, m))))),
      )([x, w, b]);
      for (let i = 0; i < 3; i++) {
        expect(ours[i]!.shape).toEqual(theirs[i]!.shape);
        // Sums of <= B·Ho·Wo = 50 O(1) products in float32, in two summation orders.
        assertAllClose(await ours[i]!.data(), await theirs[i]!.data(), { rtol: 1e-4, atol: 1e-5, label: `stride ${stride} ${padding} grad ${['x', 'w', 'b'][i]}` });
      }
      [w, b, x, ...ours, ...theirs].forEach((t) => t.dispose());
    }
  });

  it('K CNNs trained together give each CNN the parameters it gets trained alone (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          K: fc.integer({ min: 1, max: 3 }),
          cin: fc.integer({ min: 1, max: 2 }),
          ch: fc.integer({ min: 1, max: 3 }),
          hw: fc.integer({ min: 2, max: 6 }),
          B: fc.integer({ min: 1, max: 3 }),
          steps: fc.integer({ min: 1, max: 2 }),
          seed0: fc.integer({ min: 0, max: 2 ** 31 }),
          shared: fc.boolean(),
        }),
        async ({ K, cin, ch, hw, B, steps, seed0, shared }) => {
          const seeds = Array.from({ length: K }, (_, k) => seed0 + 31 * k);
          const together = kCnn(K, seeds, cin, ch, hw, 3);
          const alone = seeds.map((s) => kCnn(1, [s], cin, ch, hw, 3));
          const opt = tf.train.momentum(0.1, 0.9);
          const optA = alone.map(() => tf.train.momentum(0.1, 0.9));
          for (let t = 0; t < steps; t++) {
            const x = randomNormal(shared ? [B, hw, hw, cin] : [K, B, hw, hw, cin], seed0 + t + 1);
            const y = tf.tensor(Array.from({ length: shared ? B : K * B }, (_, i) => (i + t) % 3), shared ? [B] : [K, B], 'int32');
            opt.minimize(() => kCrossEntropy(kCnnForward(together, x), y), false, together.variables);
            alone.forEach((net, k) => {
              const xk = shared ? x : tf.slice(x, [k], [1]);
              const yk = shared ? y : tf.slice(y, [k], [1]);
              optA[k]!.minimize(() => kCrossEntropy(kCnnForward(net, xk), yk), false, net.variables);
            });
            x.dispose();
            y.dispose();
          }
          const all = (await Promise.all(together.variables.map((v) => v.data()))) as Float32Array[];
          for (let k = 0; k < K; k++) {
            const mine = (await Promise.all(alone[k]!.variables.map((v) => v.data()))) as Float32Array[];
            // Same float32 ops per model; only a backend's matmul tiling may reorder sums of <= 18 terms (see k-mlp.test.ts).
            mine.forEach((m, i) => assertAllClose(all[i]!.subarray(k * m.length, (k + 1) * m.length), m, { rtol: 2e-5, atol: 2e-6, label: `model ${k} variable ${i}` }));
          }
          [...together.variables, ...alone.flatMap((a) => a.variables)].forEach((v) => v.dispose());
          [opt, ...optA].forEach((o) => o.dispose());
        },
      ),
      { numRuns: backend === 'cpu' ? 15 : 4, seed: 20261207 },
    );
  });

  it('pools per model', async () => {
    const x = tf.reshape(tf.range(0, 2 * 16, 1, 'float32'), [2, 1, 4, 4, 1]);
    expect(Array.from(await kPool2d(x, { type: 'max', size: 2 }).data())).toEqual([5, 7, 13, 15, 21, 23, 29, 31]);
    expect(Array.from(await kPool2d(x, { type: 'avg', size: 2 }).data())).toEqual([2.5, 4.5, 10.5, 12.5, 18.5, 20.5, 26.5, 28.5]);
  });

  it('validates its inputs, naming the argument', () => {
    const { w, b } = kConv2dVariables({ K: 2, seeds: [1, 2], kernelSize: 3, inChannels: 2, outChannels: 4, layer: 0 });
    expect(() => kConv2d(tf.zeros([1, 5, 5, 3]), w, b)).toThrow(/kConv2d: x must be \[B, H, W, 2\] \(shared by the models\) or \[2, B, H, W, 2\] \(one batch per model\), got shape \[1, 5, 5, 3\]/);
    expect(() => kConv2d(tf.zeros([1, 5, 5, 2]), w, tf.zeros([2, 3]))).toThrow(/kConv2d: b must be \[2, 4\], got shape \[2, 3\]/);
    expect(() => kConv2d(tf.zeros([1, 2, 2, 2]), w, b, { padding: 'valid' })).toThrow(/needs H, W >= 3, got \[2, 2\]/);
    expect(() => kConv2d(tf.zeros([1, 5, 5, 2]), w, b, { stride: 0 })).toThrow(/kConv2d: stride must be a positive integer, got 0/);
    expect(() => kConv2d(tf.zeros([1, 5, 5, 2]), w, b, { dilation: 2 } as never)).toThrow(/kConv2d: options has an unknown key 'dilation'/);
    expect(() => kConv2dVariables({ K: 2, seeds: [1, 2], kernelSize: 3, inChannels: 2, outChannels: 4, layer: -1 })).toThrow(/kConv2dVariables: layer must be a non-negative integer, got -1/);
    expect(() => kPool2d(tf.zeros([2, 4, 4, 1]), { type: 'max', size: 2 })).toThrow(/kPool2d: x must be \[K, B, H, W, C\], got shape \[2, 4, 4, 1\]/);
    [w, b].forEach((t) => t.dispose());
  });
});
