import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend, float32SumTolerance } from '@lemma/gpu-kernels/testing';
import { invariantVectors, layerBiasVector } from './bias';
import { convFilters, groupConvBasis } from './closed-forms';
import { imageGroup } from './groups';
import { type ConvFilterSet, convBiasChannels, convKernelFromCoeffs, filterSetTensor, identityFilterSet, imageNetworkForwardTf, layerConvKernel } from './image-forward';
import { networkForwardF64 } from './forward-f64';
import { type EquivariantNetwork, randomLayer } from './network';
import { tolerance } from './testing/reference-tolerance';
import { biasFromCoeffs, biasVectorsTensor } from './tf-forward';

/** A random two-layer C4 group CNN on s×s images (lifting then regular→regular, 3×3), optionally with biases. */
function c4Net(s: number, rng: ReturnType<typeof createRng>, biasVectors?: Float64Array[]) {
  const g = imageGroup('C4', s, { translations: true });
  const lift = groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: 3 });
  const reg = groupConvBasis(g, { from: 'regular', to: 'regular', kernel: 3 });
  const net: EquivariantNetwork = { layers: [randomLayer(lift, 1, 2, rng, 1, biasVectors), randomLayer(reg, 2, 1, rng, 1, biasVectors)] };
  const sets: ConvFilterSet[] = [
    { ...convFilters(lift, g, 3), kernel: 3 },
    { ...convFilters(reg, g, 3), kernel: 3 },
  ];
  return { reg, net, sets };
}

/** Circular-padded tensor forward on a batch of 2 images equals the float64 basis reference. */
async function expectCircularMatchesBasis(net: EquivariantNetwork, sets: ConvFilterSet[], s: number, label: string): Promise<void> {
  const batch = 2;
  const x = Float64Array.from(Float32Array.from(createRng(3).normalArray(batch * s * s)));
  const img = tf.tensor4d(Float32Array.from(x), [batch, s, s, 1]);
  const y = imageNetworkForwardTf(net, sets, img, { padding: 'circular' });
  // NHWC with channel t (orientation) vs the reference layout (channel, pixel).
  const ref = networkForwardF64(net, x, batch);
  const yd = await y.data();
  const perm = new Float64Array(ref.length);
  for (let b = 0; b < batch; b++) for (let p = 0; p < s * s; p++) for (let t = 0; t < 4; t++) perm[b * 4 * s * s + t * s * s + p] = yd[(b * s * s + p) * 4 + t]!;
  assertAllClose(perm, ref, { atol: tolerance(net, x, batch), label });
  tf.dispose([img, y]);
}

describeEachBackend('equivariant image forward on tensors', () => {
  it('conv filters with circular padding reproduce the C4 group-conv basis; zero padding stays rotation-equivariant', async () => {
    const s = 5;
    const { reg, net, sets } = c4Net(s, createRng(8));
    await expectCircularMatchesBasis(net, sets, s, 'circular conv vs basis');
    // Zero padding on a 6x6 image: rotating the input by 90° rotates the output and shifts orientations.
    const big = tf.tensor4d(Float32Array.from(createRng(5).normalArray(6 * 6)), [1, 6, 6, 1]);
    const rot = tf.reverse(tf.transpose(big, [0, 2, 1, 3]), 1); // out(i, j) = in(j, 5 - i)... a quarter turn
    const y0 = imageNetworkForwardTf(net, sets, big);
    const y1 = imageNetworkForwardTf(net, sets, rot);
    const y0r = tf.reverse(tf.transpose(y0, [0, 2, 1, 3]), 1);
    // Some cyclic shift of the 4 orientation channels must match; find the best one.
    const a = await y0r.data();
    const b = await y1.data();
    let best = Infinity;
    for (let shift = 0; shift < 4; shift++) {
      let worst = 0;
      for (let p = 0; p < 36; p++) for (let t = 0; t < 4; t++) worst = Math.max(worst, Math.abs(a[p * 4 + t]! - b[p * 4 + ((t + shift) % 4)]!));
      best = Math.min(best, worst);
    }
    const scale = Math.max(...Array.from(a, Math.abs));
    expect(best).toBeLessThan(1e-4 * Math.max(1, scale));
    const identity = imageNetworkForwardTf({ layers: [{ basis: { ...reg, elements: [reg.elements[reg.identityIndex]!], identityIndex: 0 }, cIn: 1, cOut: 1, coeffs: Float64Array.from([1]) }] }, [identityFilterSet(4)], tf.ones([1, 3, 3, 4]) as tf.Tensor4D);
    expect(Array.from(await identity.data()).every((v) => v === 1)).toBe(true);
    tf.dispose([big, rot, y0, y1, y0r, identity]);
  });

  it('image layers with G-invariant biases: circular conv matches the basis reference, the differentiable bias matches', async () => {
    const s = 5;
    const vs = invariantVectors(imageGroup('C4', s, { translations: true }).regularField());
    expect(vs.length).toBe(1);
    const { net, sets } = c4Net(s, createRng(9), vs);
    await expectCircularMatchesBasis(net, sets, s, 'biased circular conv vs basis');
    expect(Array.from(convBiasChannels(vs, sets[1]!))).toEqual([1, 1, 1, 1]);
    const l1 = net.layers[1]!;
    const vt = biasVectorsTensor(l1.bias!.vectors);
    const bt = biasFromCoeffs(1, tf.tensor1d(Float32Array.from(l1.bias!.coeffs)), vt);
    const want = layerBiasVector(l1)!;
    assertAllClose(await bt.data(), want, { atol: 1e-6, label: 'biasFromCoeffs' });
    expect(() => convBiasChannels([Float64Array.from({ length: 4 * s * s }, (_, i) => i)], sets[1]!)).toThrow(/not constant over pixels/);
    tf.dispose([vt, bt]);
  });

  it('the differentiable kernel assembly equals the typed-array one', async () => {
    const g = imageGroup('C4', 5, { translations: true });
    const reg = groupConvBasis(g, { from: 'regular', to: 'regular', kernel: 3 });
    const set: ConvFilterSet = { ...convFilters(reg, g, 3), kernel: 3 };
    const layer = randomLayer(reg, 2, 3, createRng(12));
    const coeffs = tf.tensor1d(Float32Array.from(layer.coeffs));
    const filters = filterSetTensor(set);
    const k = convKernelFromCoeffs(set, 2, 3, coeffs, filters);
    expect(k.shape).toEqual([3, 3, 8, 12]);
    // Each entry is a sum of at most |B| = 36 products of O(1) float32 values.
    assertAllClose(await k.data(), layerConvKernel(layer, set), { atol: float32SumTolerance(36) * 4, label: 'kernel' });
    tf.dispose([coeffs, filters, k]);
  });
});
