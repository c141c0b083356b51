/**
 * Image forward passes on tfjs tensors: a translation-equivariant basis read as conv2d filters (see convFilters), the
 * kernel of a layer assembled from its coefficients, G-invariant biases as per-channel conv biases.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectFiniteArray, expectInteger, expectOneOf, expectOptions, expectTensor, invalidArgument } from '@lemma/gpu-kernels/validate';
import { biasVectorOf } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, checkLayer, checkNetwork, maskedCoeffsOf } from './network';
import { MAX_DENSE_ENTRIES } from './sparse';
import { expectInput } from './tf-forward';

/** Throws unless `set` is a {@link ConvFilterSet}: odd kernel, positive channel counts, finite filters of k·k·in·out entries. */
function expectFilterSet(fn: string, arg: string, set: unknown): ConvFilterSet {
  if (set === null || typeof set !== 'object') throw invalidArgument(fn, arg, 'a ConvFilterSet { filters, kernel, inChannels, outChannels }', set, 'type');
  const f = set as ConvFilterSet;
  const k = f.kernel;
  if (typeof k !== 'number' || !Number.isInteger(k) || k < 1 || k % 2 === 0 || k > 1023) throw invalidArgument(fn, `${arg}.kernel`, 'an odd integer in [1, 1023]', k);
  expectInteger(fn, `${arg}.inChannels`, f.inChannels, { min: 1 });
  expectInteger(fn, `${arg}.outChannels`, f.outChannels, { min: 1 });
  const size = k * k * f.inChannels * f.outChannels;
  if (size > MAX_DENSE_ENTRIES) throw new RangeError(`${fn}: ${arg} must have kernel²·inChannels·outChannels <= ${MAX_DENSE_ENTRIES}, got ${size}`);
  if (!Array.isArray(f.filters) || f.filters.length === 0) throw invalidArgument(fn, `${arg}.filters`, 'a non-empty array of filters', f.filters, 'type');
  f.filters.forEach((w, i) => expectFiniteArray(fn, `${arg}.filters[${i}]`, w, size));
  return f;
}

/** A filter set as a tensor [K, k·k·inChannels·outChannels] for {@link convKernelFromCoeffs}. */
export function filterSetTensor(set: ConvFilterSet): tf.Tensor2D {
  expectFilterSet('filterSetTensor', 'set', set);
  const K = set.filters.length;
  const size = set.kernel * set.kernel * set.inChannels * set.outChannels;
  const data = new Float32Array(K * size);
  set.filters.forEach((f, k) => data.set(Float32Array.from(f), k * size));
  return tf.tensor2d(data, [K, size]);
}

/**
 * Differentiable conv2d kernel [k, k, cIn·inCh, cOut·outCh] from coefficients [cOut, cIn·K] and the
 * filter tensor of {@link filterSetTensor}: W = sum_k alpha[b,a,k] filter_k, placed at copy block (a, b).
 * Like escnn's R2Conv basisexpansion(weights) (notes §7 [C]).
 */
export function convKernelFromCoeffs(set: ConvFilterSet, cIn: number, cOut: number, coeffs: tf.Tensor, filters: tf.Tensor2D): tf.Tensor4D {
  const fn = 'convKernelFromCoeffs';
  expectFilterSet(fn, 'set', set);
  expectInteger(fn, 'cIn', cIn, { min: 1 });
  expectInteger(fn, 'cOut', cOut, { min: 1 });
  const K = set.filters.length;
  const { kernel: k, inChannels: ic, outChannels: oc } = set;
  expectTensor(fn, 'coeffs', coeffs, 'float32');
  if (coeffs.size !== cOut * cIn * K) throw invalidArgument(fn, 'coeffs', `a tensor of cOut·cIn·K = ${cOut * cIn * K} entries`, coeffs);
  expectInput(fn, 'filters', filters, 2, `[${K}, ${k * k * ic * oc}] (see filterSetTensor)`, k * k * ic * oc);
  if (filters.shape[0] !== K) throw invalidArgument(fn, 'filters', `a tensor of shape [${K}, ${k * k * ic * oc}] (see filterSetTensor)`, filters);
  return tf.tidy(() => {
    const p = tf.matMul(tf.reshape(coeffs, [cOut * cIn, K]), filters); // [cOut·cIn, k·k·ic·oc]
    const r = tf.reshape(p, [cOut, cIn, k, k, ic, oc]);
    return tf.reshape(tf.transpose(r, [2, 3, 1, 4, 0, 5]), [k, k, cIn * ic, cOut * oc]) as tf.Tensor4D;
  });
}

/** conv2d filters of one basis (see convFilters): one [k, k, inChannels, outChannels] array per element. */
export interface ConvFilterSet {
  filters: readonly Float64Array[];
  kernel: number;
  /** Channels per copy: |G| for a regular field, 1 for a scalar field. */
  inChannels: number;
  outChannels: number;
}

/** Assembles the conv2d kernel [k, k, cIn·inCh, cOut·outCh] of a layer (channel = copy·fieldChannels + h). */
export function layerConvKernel(layer: EquivariantLayer, set: ConvFilterSet): Float32Array {
  checkLayer('layerConvKernel: layer', layer);
  expectFilterSet('layerConvKernel', 'set', set);
  return convKernelOf(layer, set);
}

function convKernelOf(layer: EquivariantLayer, set: ConvFilterSet): Float32Array {
  const { cIn, cOut } = layer;
  const { kernel: kk, inChannels: ic, outChannels: oc, filters } = set;
  const K = filters.length;
  if (K !== layer.basis.elements.length) throw new Error(`layerConvKernel: filter set has ${K} filters, basis has ${layer.basis.elements.length} elements`);
  const c = maskedCoeffsOf(layer);
  const CI = cIn * ic;
  const CO = cOut * oc;
  const out = new Float32Array(kk * kk * CI * CO);
  const acc = new Float64Array(out.length);
  for (let b = 0; b < cOut; b++) {
    for (let a = 0; a < cIn; a++) {
      for (let k = 0; k < K; k++) {
        const alpha = c[(b * cIn + a) * K + k]!;
        if (alpha === 0) continue;
        const f = filters[k]!;
        for (let uv = 0; uv < kk * kk; uv++) {
          for (let h = 0; h < ic; h++) {
            for (let t = 0; t < oc; t++) {
              const v = f[(uv * ic + h) * oc + t]!;
              if (v !== 0) acc[(uv * CI + a * ic + h) * CO + b * oc + t]! += alpha * v;
            }
          }
        }
      }
    }
  }
  out.set(acc);
  return out;
}

/**
 * Per-channel values [Kb, outChannels] of image bias vectors (G-fixed vectors of the basis' output field,
 * channel-major h·size² + p): a conv bias must be constant over pixels, which holds for the fixed vectors
 * of a group with translations; this is checked.
 */
export function convBiasChannels(vectors: readonly Float64Array[], set: ConvFilterSet): Float32Array {
  expectFilterSet('convBiasChannels', 'set', set);
  if (!Array.isArray(vectors)) throw invalidArgument('convBiasChannels', 'vectors', 'an array of G-fixed vectors', vectors, 'type');
  vectors.forEach((v, k) => expectFiniteArray('convBiasChannels', `vectors[${k}]`, v));
  const oc = set.outChannels;
  const out = new Float32Array(vectors.length * oc);
  vectors.forEach((v, k) => {
    const n2 = v.length / oc;
    if (!Number.isInteger(n2)) throw new Error(`convBiasChannels: vector length ${v.length} is not a multiple of ${oc} channels`);
    for (let t = 0; t < oc; t++) {
      const c = v[t * n2]!;
      for (let p = 1; p < n2; p++) {
        if (v[t * n2 + p] !== c) throw new Error(`convBiasChannels: bias vector ${k} is not constant over pixels in channel ${t} (use a group with translations)`);
      }
      out[k * oc + t] = c;
    }
  });
  return out;
}

/** The conv bias [cOut·outChannels] of an image layer (zeros without a bias). */
export function layerConvBias(layer: EquivariantLayer, set: ConvFilterSet): Float32Array {
  checkLayer('layerConvBias: layer', layer);
  expectFilterSet('layerConvBias', 'set', set);
  if (layer.basis.dOut % set.outChannels !== 0) throw new Error(`layerConvBias: layer.basis.dOut = ${layer.basis.dOut} must be a multiple of set.outChannels = ${set.outChannels}`);
  return convBiasOf(layer, set);
}

function convBiasOf(layer: EquivariantLayer, set: ConvFilterSet): Float32Array {
  const oc = set.outChannels;
  const out = new Float32Array(layer.cOut * oc);
  const bv = biasVectorOf(layer);
  if (!bv) return out;
  const dOut = layer.basis.dOut;
  const n2 = dOut / oc;
  for (let b = 0; b < layer.cOut; b++) {
    for (let t = 0; t < oc; t++) {
      const c = bv[b * dOut + t * n2]!;
      for (let p = 1; p < n2; p++) {
        if (Math.abs(bv[b * dOut + t * n2 + p]! - c) > 1e-12 * (1 + Math.abs(c))) throw new Error(`layerConvBias: bias of copy ${b} is not constant over pixels in channel ${t}`);
      }
      out[b * oc + t] = c;
    }
  }
  return out;
}

/** Options of {@link imageNetworkForwardTf}. */
export interface ImageForwardOptions {
  /** 'zeros' ('same' zero padding; equivariant to the point group about the image centre) or 'circular'. */
  padding?: 'zeros' | 'circular';
}

function circularPad(x: tf.Tensor4D, r: number): tf.Tensor4D {
  if (r === 0) return x;
  const [, h, w] = x.shape;
  const rows = tf.concat([tf.slice(x, [0, h - r, 0, 0], [-1, r, -1, -1]), x, tf.slice(x, [0, 0, 0, 0], [-1, r, -1, -1])], 1);
  return tf.concat([tf.slice(rows, [0, 0, w - r, 0], [-1, -1, r, -1]), rows, tf.slice(rows, [0, 0, 0, 0], [-1, -1, r, -1])], 2);
}

/**
 * A network of image layers on NHWC input [batch, H, W, cIn·inChannels], one filter set per layer,
 * ReLU between layers. Channel order is copy-major then field channel (orientation).
 */
export function imageNetworkForwardTf(
  net: EquivariantNetwork,
  filterSets: readonly ConvFilterSet[],
  x: tf.Tensor4D,
  options: ImageForwardOptions = {},
): tf.Tensor4D {
  const fn = 'imageNetworkForwardTf';
  checkNetwork(fn, net);
  if (!Array.isArray(filterSets)) throw invalidArgument(fn, 'filterSets', 'an array of ConvFilterSet (one per layer)', filterSets, 'type');
  if (filterSets.length !== net.layers.length) {
    throw new Error(`imageNetworkForwardTf: filterSets must have one entry per layer (${net.layers.length}), got ${filterSets.length}`);
  }
  filterSets.forEach((set, i) => {
    expectFilterSet(fn, `filterSets[${i}]`, set);
    const l = net.layers[i]!;
    if (set.filters.length !== l.basis.elements.length) throw new Error(`${fn}: filterSets[${i}] has ${set.filters.length} filters, layer ${i}'s basis has ${l.basis.elements.length} elements`);
    const prev = filterSets[i - 1];
    if (prev && prev.outChannels !== set.inChannels) throw new Error(`${fn}: filterSets[${i}].inChannels = ${set.inChannels} must equal filterSets[${i - 1}].outChannels = ${prev.outChannels}`);
    if (l.bias && l.basis.dOut % set.outChannels !== 0) throw new Error(`${fn}: layer ${i}'s basis.dOut = ${l.basis.dOut} must be a multiple of filterSets[${i}].outChannels = ${set.outChannels}`);
  });
  const first = net.layers[0]!;
  expectTensor(fn, 'x', x, 'float32');
  if (x.rank !== 4 || x.shape[3] !== first.cIn * filterSets[0]!.inChannels) {
    throw new Error(`imageNetworkForwardTf: x must have shape [batch, H, W, ${first.cIn * filterSets[0]!.inChannels}], got [${x.shape.join(', ')}]`);
  }
  const opts = expectOptions(fn, 'options', options, ['padding']);
  const padding = opts.padding === undefined ? 'zeros' : expectOneOf(fn, 'options.padding', opts.padding, ['zeros', 'circular'] as const);
  return tf.tidy(() => {
    let h = x;
    net.layers.forEach((l, i) => {
      const set = filterSets[i]!;
      const k = set.kernel;
      const w = tf.tensor4d(convKernelOf(l, set), [k, k, l.cIn * set.inChannels, l.cOut * set.outChannels]);
      h = padding === 'zeros' ? tf.conv2d(h, w, 1, 'same') : tf.conv2d(circularPad(h, (k - 1) / 2), w, 1, 'valid');
      if (l.bias) h = tf.add(h, tf.tensor1d(convBiasOf(l, set)));
      if (i < net.layers.length - 1) h = tf.relu(h);
    });
    return h;
  });
}

/** The identity as a 1x1 conv filter set on fields of `channels` channels (for identity-only layers). */
export function identityFilterSet(channels: number): ConvFilterSet {
  expectInteger('identityFilterSet', 'channels', channels, { min: 1, max: 1 << 13 });
  const f = new Float64Array(channels * channels);
  for (let h = 0; h < channels; h++) f[h * channels + h] = 1;
  return { filters: [f], kernel: 1, inChannels: channels, outChannels: channels };
}
