/**
 * Dense forward passes on tfjs tensors (any backend: webgpu, wasm, cpu): the Kronecker structure
 * W = sum alpha[b,a,k] E_ba ⊗ b_k (notes §1 [C, Natale]) is applied as two matmuls, Z = x · [b_1ᵀ ... b_Kᵀ] then Y = C · Z, so W
 * itself (cOut dOut x cIn dIn) is never formed. The image path (conv2d filters) is image-forward.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import { expectFiniteArray, expectInteger, expectRank, expectTensor, invalidArgument } from '@lemma/gpu-kernels/validate';
import { type EquivariantBasis, expectBasis } from './basis';
import { biasVectorOf } from './bias';
import { type EquivariantLayer, type EquivariantNetwork, checkLayer, checkNetwork, maskedCoeffsOf } from './network';
import { MAX_DENSE_ENTRIES } from './sparse';

/** Throws unless `x` is a live float32 tensor of rank `rank` whose last axis has `width` entries (when given). */
export function expectInput(fn: string, arg: string, x: unknown, rank: number, shape: string, width?: number): tf.Tensor {
  const t = expectTensor(fn, arg, x, 'float32');
  if (t.rank !== rank || (width !== undefined && t.shape[rank - 1] !== width)) throw invalidArgument(fn, arg, `a tensor of shape ${shape}`, t);
  return t;
}

/** Basis elements stacked as a float32 [dIn, K·dOut] matrix (column k·dOut + i holds row i of b_k). */
export function basisStackTensor(basis: EquivariantBasis): tf.Tensor2D {
  expectBasis('basisStackTensor', 'basis', basis);
  const { dIn, dOut } = basis;
  const K = basis.elements.length;
  if (dIn * K * dOut > MAX_DENSE_ENTRIES) throw new RangeError(`basisStackTensor: dIn·|B|·dOut must be <= ${MAX_DENSE_ENTRIES}, got ${dIn}·${K}·${dOut}`);
  const data = new Float32Array(dIn * K * dOut);
  basis.elements.forEach((e, k) => {
    for (let t = 0; t < e.values.length; t++) data[e.colIdx[t]! * K * dOut + k * dOut + e.rowIdx[t]!]! += e.values[t]!;
  });
  return tf.tensor2d(data, [dIn, K * dOut]);
}

/** One layer on a batch x (shape [batch, cIn·dIn]) → [batch, cOut·dOut]. */
export function layerForwardTf(layer: EquivariantLayer, x: tf.Tensor2D): tf.Tensor2D {
  checkLayer('layerForwardTf: layer', layer);
  expectInput('layerForwardTf', 'x', x, 2, `[batch, ${layer.cIn * layer.basis.dIn}] (cIn·dIn)`, layer.cIn * layer.basis.dIn);
  return layerForwardChecked(layer, x);
}

function layerForwardChecked(layer: EquivariantLayer, x: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const c = tf.tensor2d(Float32Array.from(maskedCoeffsOf(layer)), [layer.cOut, layer.cIn * layer.basis.elements.length]);
    const y = forwardFromCoeffs(layer.basis, layer.cIn, layer.cOut, c, x);
    const bv = biasVectorOf(layer);
    return bv ? tf.add(y, tf.tensor2d(Float32Array.from(bv), [1, bv.length])) : y;
  });
}

/** Bias vectors as a float32 [Kb, dOut] tensor (for {@link biasFromCoeffs}). */
export function biasVectorsTensor(vectors: readonly Float64Array[]): tf.Tensor2D {
  if (!Array.isArray(vectors)) throw invalidArgument('biasVectorsTensor', 'vectors', 'an array of G-fixed vectors', vectors, 'type');
  if (vectors.length === 0) throw new Error('biasVectorsTensor: vectors must hold at least one vector');
  expectFiniteArray('biasVectorsTensor', 'vectors[0]', vectors[0]);
  const d = vectors[0]!.length;
  if (d === 0 || vectors.length * d > MAX_DENSE_ENTRIES) throw invalidArgument('biasVectorsTensor', 'vectors[0]', `a non-empty vector with vectors.length·length <= ${MAX_DENSE_ENTRIES}`, vectors[0]);
  vectors.forEach((v, k) => expectFiniteArray('biasVectorsTensor', `vectors[${k}]`, v, d));
  const data = new Float32Array(vectors.length * d);
  vectors.forEach((v, k) => data.set(Float32Array.from(v), k * d));
  return tf.tensor2d(data, [vectors.length, d]);
}

/**
 * Differentiable G-invariant bias [1, cOut·dOut] from coefficients [cOut, Kb] (plain bias, index b·Kb + k)
 * and the tensor of {@link biasVectorsTensor}: add it to a layer's output to train biased targets.
 */
export function biasFromCoeffs(cOut: number, coeffs: tf.Tensor, vectors: tf.Tensor2D): tf.Tensor2D {
  expectInteger('biasFromCoeffs', 'cOut', cOut, { min: 1 });
  expectTensor('biasFromCoeffs', 'coeffs', coeffs, 'float32');
  expectTensor('biasFromCoeffs', 'vectors', vectors, 'float32');
  expectRank('biasFromCoeffs', 'vectors', vectors, 2);
  const [Kb, d] = vectors.shape;
  if (coeffs.size !== cOut * Kb) throw new Error(`biasFromCoeffs: coeffs must have ${cOut * Kb} entries (cOut·Kb), got ${coeffs.size}`);
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(coeffs, [cOut, Kb]), vectors), [1, cOut * d]));
}

/**
 * The same layer with coefficients given as a tensor [cOut, cIn·K] (differentiable: use it to train
 * targets with tf.grad / optimizers). `stack` may pass a cached {@link basisStackTensor}. Shapes and dtypes are
 * checked; the values of `coeffs` are not (that would read a possibly-GPU tensor back every call): a NaN in it
 * propagates to the output, as in tfjs's own ops.
 */
export function layerForwardFromCoeffs(
  basis: EquivariantBasis,
  cIn: number,
  cOut: number,
  coeffs: tf.Tensor,
  x: tf.Tensor2D,
  stack?: tf.Tensor2D,
): tf.Tensor2D {
  const fn = 'layerForwardFromCoeffs';
  expectBasis(fn, 'basis', basis);
  expectInteger(fn, 'cIn', cIn, { min: 1 });
  expectInteger(fn, 'cOut', cOut, { min: 1 });
  const { dIn, dOut } = basis;
  const K = basis.elements.length;
  expectInput(fn, 'x', x, 2, `[batch, ${cIn * dIn}] (cIn·dIn)`, cIn * dIn);
  expectTensor(fn, 'coeffs', coeffs, 'float32');
  if (coeffs.size !== cOut * cIn * K) throw new Error(`layerForwardFromCoeffs: coeffs must have ${cOut * cIn * K} entries (cOut·cIn·K), got ${coeffs.size}`);
  if (stack !== undefined) expectInput(fn, 'stack', stack, 2, `[${dIn}, ${K * dOut}] (dIn, |B|·dOut; see basisStackTensor)`, K * dOut);
  if (stack !== undefined && stack.shape[0] !== dIn) throw invalidArgument(fn, 'stack', `a tensor of shape [${dIn}, ${K * dOut}] (see basisStackTensor)`, stack);
  return forwardFromCoeffs(basis, cIn, cOut, coeffs, x, stack);
}

function forwardFromCoeffs(basis: EquivariantBasis, cIn: number, cOut: number, coeffs: tf.Tensor, x: tf.Tensor2D, stack?: tf.Tensor2D): tf.Tensor2D {
  const { dIn, dOut } = basis;
  const K = basis.elements.length;
  const batch = x.shape[0];
  return tf.tidy(() => {
    const z = tf.matMul(tf.reshape(x, [batch * cIn, dIn]), stack ?? basisStackTensor(basis)); // [batch·cIn, K·dOut]
    const zt = tf.reshape(tf.transpose(tf.reshape(z, [batch, cIn, K, dOut]), [1, 2, 0, 3]), [cIn * K, batch * dOut]);
    const y = tf.matMul(tf.reshape(coeffs, [cOut, cIn * K]), zt); // [cOut, batch·dOut]
    return tf.reshape(tf.transpose(tf.reshape(y, [cOut, batch, dOut]), [1, 0, 2]), [batch, cOut * dOut]);
  });
}

/**
 * {@link layerForwardFromCoeffs} for M models of one architecture at once (seeds or tasks trained in one dispatch
 * stream): coefficients [M, cOut·cIn·|B|] and inputs [M, batch, cIn·dIn] give [M, batch, cOut·dOut]; slice m is the
 * layer of model m on its own batch. The basis stack is shared, so each matMul serves all M models.
 */
export function kLayerForwardFromCoeffs(
  basis: EquivariantBasis,
  cIn: number,
  cOut: number,
  coeffs: tf.Tensor,
  x: tf.Tensor3D,
  stack?: tf.Tensor2D,
): tf.Tensor3D {
  const fn = 'kLayerForwardFromCoeffs';
  expectBasis(fn, 'basis', basis);
  expectInteger(fn, 'cIn', cIn, { min: 1 });
  expectInteger(fn, 'cOut', cOut, { min: 1 });
  const { dIn, dOut } = basis;
  const E = basis.elements.length;
  expectTensor(fn, 'x', x, 'float32');
  expectRank(fn, 'x', x, 3);
  const [M, batch, width] = x.shape;
  if (width !== cIn * dIn) throw invalidArgument(fn, 'x', `a tensor of shape [M, batch, ${cIn * dIn}] (cIn·dIn)`, x);
  expectTensor(fn, 'coeffs', coeffs, 'float32');
  if (coeffs.size !== M * cOut * cIn * E) throw new Error(`${fn}: coeffs must have ${M * cOut * cIn * E} entries (M·cOut·cIn·|B| with M = ${M} from x), got ${coeffs.size}`);
  if (stack !== undefined && (stack.rank !== 2 || stack.shape[0] !== dIn || stack.shape[1] !== E * dOut)) {
    throw invalidArgument(fn, 'stack', `a tensor of shape [${dIn}, ${E * dOut}] (see basisStackTensor)`, stack);
  }
  return tf.tidy(() => {
    const z = tf.matMul(tf.reshape(x, [M * batch * cIn, dIn]), stack ?? basisStackTensor(basis)); // [M·batch·cIn, |B|·dOut]
    const zt = tf.reshape(tf.transpose(tf.reshape(z, [M, batch, cIn, E, dOut]), [0, 2, 3, 1, 4]), [M, cIn * E, batch * dOut]);
    const y = tf.matMul(tf.reshape(coeffs, [M, cOut, cIn * E]), zt); // [M, cOut, batch·dOut]
    return tf.reshape(tf.transpose(tf.reshape(y, [M, cOut, batch, dOut]), [0, 2, 1, 3]), [M, batch, cOut * dOut]);
  });
}

/** {@link biasFromCoeffs} for M models: coefficients [M, cOut·Kb] give biases [M, 1, cOut·dOut] (add to a K-layer's output). */
export function kBiasFromCoeffs(cOut: number, coeffs: tf.Tensor, vectors: tf.Tensor2D): tf.Tensor3D {
  const fn = 'kBiasFromCoeffs';
  expectInteger(fn, 'cOut', cOut, { min: 1 });
  expectTensor(fn, 'coeffs', coeffs, 'float32');
  expectTensor(fn, 'vectors', vectors, 'float32');
  expectRank(fn, 'vectors', vectors, 2);
  const [Kb, d] = vectors.shape;
  if (coeffs.rank < 1 || coeffs.size !== coeffs.shape[0]! * cOut * Kb) throw new Error(`${fn}: coeffs must be [M, ${cOut * Kb}] (cOut·Kb per model), got shape [${coeffs.shape.join(', ')}]`);
  const M = coeffs.shape[0]!;
  return tf.tidy(() => tf.reshape(tf.matMul(tf.reshape(coeffs, [M * cOut, Kb]), vectors), [M, 1, cOut * d]));
}

/** A network on a batch [batch, cIn·dIn] with ReLU between layers. */
export function networkForwardTf(net: EquivariantNetwork, x: tf.Tensor2D): tf.Tensor2D {
  checkNetwork('networkForwardTf', net);
  const first = net.layers[0]!;
  expectInput('networkForwardTf', 'x', x, 2, `[batch, ${first.cIn * first.basis.dIn}] (cIn·dIn)`, first.cIn * first.basis.dIn);
  return tf.tidy(() => {
    let h = x;
    net.layers.forEach((l, i) => {
      h = layerForwardChecked(l, h);
      if (i < net.layers.length - 1) h = tf.relu(h);
    });
    return h;
  });
}
