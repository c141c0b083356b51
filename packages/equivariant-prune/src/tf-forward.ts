/**
 * Forward passes on tfjs tensors (any backend: webgpu, wasm, cpu). Dense path: the Kronecker structure
 * W = sum alpha[b,a,k] E_ba ⊗ b_k is applied as two matmuls, Z = x · [b_1ᵀ ... b_Kᵀ] then Y = C · Z, so W
 * itself (cOut dOut x cIn dIn) is never formed. Image path: the basis is read as conv2d filters.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { EquivariantBasis } from './basis';
import { layerBiasVector } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, checkNetwork, maskedCoeffs } from './network';

/** Basis elements stacked as a float32 [dIn, K·dOut] matrix (column k·dOut + i holds row i of b_k). */
export function basisStackTensor(basis: EquivariantBasis): tf.Tensor2D {
  const { dIn, dOut } = basis;
  const K = basis.elements.length;
  const data = new Float32Array(dIn * K * dOut);
  basis.elements.forEach((e, k) => {
    for (let t = 0; t < e.values.length; t++) data[e.colIdx[t]! * K * dOut + k * dOut + e.rowIdx[t]!]! += e.values[t]!;
  });
  return tf.tensor2d(data, [dIn, K * dOut]);
}

/** One layer on a batch x (shape [batch, cIn·dIn]) → [batch, cOut·dOut]. */
export function layerForwardTf(layer: EquivariantLayer, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const c = tf.tensor2d(Float32Array.from(maskedCoeffs(layer)), [layer.cOut, layer.cIn * layer.basis.elements.length]);
    const y = layerForwardFromCoeffs(layer.basis, layer.cIn, layer.cOut, c, x);
    const bv = layerBiasVector(layer);
    return bv ? tf.add(y, tf.tensor2d(Float32Array.from(bv), [1, bv.length])) : y;
  });
}

/** Bias vectors as a float32 [Kb, dOut] tensor (for {@link biasFromCoeffs}). */
export function biasVectorsTensor(vectors: readonly Float64Array[]): tf.Tensor2D {
  if (vectors.length === 0) throw new Error('biasVectorsTensor: need at least one vector');
  const d = vectors[0]!.length;
  const data = new Float32Array(vectors.length * d);
  vectors.forEach((v, k) => data.set(Float32Array.from(v), k * d));
  return tf.tensor2d(data, [vectors.length, d]);
}

/**
 * Differentiable G-invariant bias [1, cOut·dOut] from coefficients [cOut, Kb] (plain bias, index b·Kb + k)
 * and the tensor of {@link biasVectorsTensor}: add it to a layer's output to train biased targets.
 */
export function biasFromCoeffs(cOut: number, coeffs: tf.Tensor, vectors: tf.Tensor2D): tf.Tensor2D {
  const [Kb, d] = vectors.shape;
  if (coeffs.size !== cOut * Kb) throw new Error(`biasFromCoeffs: coeffs must have ${cOut * Kb} entries (cOut·Kb), got ${coeffs.size}`);
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(coeffs, [cOut, Kb]), vectors), [1, cOut * d]));
}

/**
 * The same layer with coefficients given as a tensor [cOut, cIn·K] (differentiable: use it to train
 * targets with tf.grad / optimizers). `stack` may pass a cached {@link basisStackTensor}.
 */
export function layerForwardFromCoeffs(
  basis: EquivariantBasis,
  cIn: number,
  cOut: number,
  coeffs: tf.Tensor,
  x: tf.Tensor2D,
  stack?: tf.Tensor2D,
): tf.Tensor2D {
  const { dIn, dOut } = basis;
  const K = basis.elements.length;
  if (x.rank !== 2 || x.shape[1] !== cIn * dIn) {
    throw new Error(`layerForwardTf: x must have shape [batch, ${cIn * dIn}] (cIn·dIn), got [${x.shape.join(', ')}]`);
  }
  if (coeffs.size !== cOut * cIn * K) throw new Error(`layerForwardFromCoeffs: coeffs must have ${cOut * cIn * K} entries (cOut·cIn·K), got ${coeffs.size}`);
  const batch = x.shape[0];
  return tf.tidy(() => {
    const z = tf.matMul(tf.reshape(x, [batch * cIn, dIn]), stack ?? basisStackTensor(basis)); // [batch·cIn, K·dOut]
    const zt = tf.reshape(tf.transpose(tf.reshape(z, [batch, cIn, K, dOut]), [1, 2, 0, 3]), [cIn * K, batch * dOut]);
    const y = tf.matMul(tf.reshape(coeffs, [cOut, cIn * K]), zt); // [cOut, batch·dOut]
    return tf.reshape(tf.transpose(tf.reshape(y, [cOut, batch, dOut]), [1, 0, 2]), [batch, cOut * dOut]);
  });
}

/** A filter set as a tensor [K, k·k·inChannels·outChannels] for {@link convKernelFromCoeffs}. */
export function filterSetTensor(set: ConvFilterSet): tf.Tensor2D {
  const K = set.filters.length;
  const size = set.kernel * set.kernel * set.inChannels * set.outChannels;
  const data = new Float32Array(K * size);
  set.filters.forEach((f, k) => data.set(Float32Array.from(f), k * size));
  return tf.tensor2d(data, [K, size]);
}

/**
 * Differentiable conv2d kernel [k, k, cIn·inCh, cOut·outCh] from coefficients [cOut, cIn·K] and the
 * filter tensor of {@link filterSetTensor}: W = sum_k alpha[b,a,k] filter_k, placed at copy block (a, b).
 */
export function convKernelFromCoeffs(set: ConvFilterSet, cIn: number, cOut: number, coeffs: tf.Tensor, filters: tf.Tensor2D): tf.Tensor4D {
  const K = set.filters.length;
  const { kernel: k, inChannels: ic, outChannels: oc } = set;
  return tf.tidy(() => {
    const p = tf.matMul(tf.reshape(coeffs, [cOut * cIn, K]), filters); // [cOut·cIn, k·k·ic·oc]
    const r = tf.reshape(p, [cOut, cIn, k, k, ic, oc]);
    return tf.reshape(tf.transpose(r, [2, 3, 1, 4, 0, 5]), [k, k, cIn * ic, cOut * oc]) as tf.Tensor4D;
  });
}

/** A network on a batch [batch, cIn·dIn] with ReLU between layers. */
export function networkForwardTf(net: EquivariantNetwork, x: tf.Tensor2D): tf.Tensor2D {
  checkNetwork('networkForwardTf', net);
  return tf.tidy(() => {
    let h = x;
    net.layers.forEach((l, i) => {
      h = layerForwardTf(l, h);
      if (i < net.layers.length - 1) h = tf.relu(h);
    });
    return h;
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
  const { cIn, cOut } = layer;
  const { kernel: kk, inChannels: ic, outChannels: oc, filters } = set;
  const K = filters.length;
  if (K !== layer.basis.elements.length) throw new Error(`layerConvKernel: filter set has ${K} filters, basis has ${layer.basis.elements.length} elements`);
  const c = maskedCoeffs(layer);
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
  const oc = set.outChannels;
  const out = new Float32Array(layer.cOut * oc);
  const bv = layerBiasVector(layer);
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
  checkNetwork('imageNetworkForwardTf', net);
  if (filterSets.length !== net.layers.length) {
    throw new Error(`imageNetworkForwardTf: filterSets must have one entry per layer (${net.layers.length}), got ${filterSets.length}`);
  }
  const first = net.layers[0]!;
  if (x.rank !== 4 || x.shape[3] !== first.cIn * filterSets[0]!.inChannels) {
    throw new Error(`imageNetworkForwardTf: x must have shape [batch, H, W, ${first.cIn * filterSets[0]!.inChannels}], got [${x.shape.join(', ')}]`);
  }
  const padding = options.padding ?? 'zeros';
  return tf.tidy(() => {
    let h = x;
    net.layers.forEach((l, i) => {
      const set = filterSets[i]!;
      const k = set.kernel;
      const w = tf.tensor4d(layerConvKernel(l, set), [k, k, l.cIn * set.inChannels, l.cOut * set.outChannels]);
      h = padding === 'zeros' ? tf.conv2d(h, w, 1, 'same') : tf.conv2d(circularPad(h, (k - 1) / 2), w, 1, 'valid');
      if (l.bias) h = tf.add(h, tf.tensor1d(layerConvBias(l, set)));
      if (i < net.layers.length - 1) h = tf.relu(h);
    });
    return h;
  });
}

/** The identity as a 1x1 conv filter set on fields of `channels` channels (for identity-only layers). */
export function identityFilterSet(channels: number): ConvFilterSet {
  const f = new Float64Array(channels * channels);
  for (let h = 0; h < channels; h++) f[h * channels + h] = 1;
  return { filters: [f], kernel: 1, inChannels: channels, outChannels: channels };
}
