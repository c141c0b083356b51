import * as tf from '@tensorflow/tfjs-core';
import { expectInteger, expectOptions } from '../validate';
import { kLayerVariables, validateInit, validateK } from './k-params';
import type { KInit } from './k-params';

/** Hidden-layer nonlinearity of the K-model blocks. */
export type KActivation = 'relu' | 'tanh' | 'gelu' | 'identity';

/** One dense layer of K models: `w` is [K, in, out], `b` is [K, out]. */
export interface KLinear<T extends tf.Tensor = tf.Variable> {
  w: T;
  b: T;
}

/** Options of {@link kMlp}. */
export interface KMlpOptions {
  /** Layer widths, input first: [784, 512, 512, 512, 10] is 784-512x3-10. At least two entries. */
  sizes: number[];
  /** Number of models trained together. */
  K: number;
  /** One seed per model; model k draws exactly what a lone model (K = 1) with seed `seeds[k]` draws. */
  seeds: number[];
  /** Nonlinearity between layers (none after the last). Default 'relu'. */
  activation?: KActivation;
  /** Initialisation. Default 'torch' (PyTorch's nn.Linear default). */
  init?: KInit;
}

/** K MLPs whose parameters carry a leading model axis; see {@link kMlp}. */
export interface KMlp {
  readonly K: number;
  readonly sizes: readonly number[];
  readonly activation: KActivation;
  /** Layer l: w [K, sizes[l], sizes[l+1]], b [K, sizes[l+1]]. */
  readonly layers: readonly KLinear[];
  /** Every trainable variable (w0, b0, w1, b1, ...), each with leading dimension K: the optimizer's var list. */
  variables(): tf.Variable[];
  /** Logits [K, B, out] of x, shared [B, in] or per model [K, B, in]. */
  forward(x: tf.Tensor): tf.Tensor3D;
  /** Disposes every variable. */
  dispose(): void;
}

const ACTIVATIONS: readonly KActivation[] = ['relu', 'tanh', 'gelu', 'identity'];

/** Applies `act` elementwise; GELU is the tanh approximation (GPT-2's). */
export function kActivate(x: tf.Tensor, act: KActivation): tf.Tensor {
  if (!ACTIVATIONS.includes(act)) throw new Error(`kActivate: act must be one of ${ACTIVATIONS.join(', ')}, got ${String(act)}`);
  switch (act) {
    case 'relu':
      return tf.relu(x);
    case 'tanh':
      return tf.tanh(x);
    case 'identity':
      return x;
    case 'gelu':
      return tf.tidy(() => {
        const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
        return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
      });
  }
}

/** Validates x against (K, inDim) and returns it as [K or 1, B, in] (a shared batch broadcasts over the models). */
export function kBatchInput(op: string, x: tf.Tensor, K: number, inDim: number): tf.Tensor3D {
  if (!(x instanceof tf.Tensor)) throw new Error(`${op}: x must be a tensor, got ${typeof x}`);
  if (x.dtype !== 'float32') throw new Error(`${op}: x must be float32, got ${x.dtype}`);
  if (x.rank === 2 && x.shape[1] === inDim) return tf.expandDims(x, 0) as tf.Tensor3D;
  if (x.rank === 3 && x.shape[0] === K && x.shape[2] === inDim) return x as tf.Tensor3D;
  throw new Error(`${op}: x must be [B, ${inDim}] (shared by the models) or [${K}, B, ${inDim}] (one batch per model), got shape [${x.shape.join(', ')}]`);
}

/**
 * act(a·w + b) per model: a [K or 1, N, in], w [K, in, out], b [K, out] → [K, N, out]. One fused kernel (matmul,
 * bias and relu, and their gradients) where the backend has it for a batched bias; wasm's supports rank-1 bias only.
 */
export function kMatMulBias(a: tf.Tensor3D, w: tf.Tensor3D, b: tf.Tensor, activation: 'linear' | 'relu'): tf.Tensor3D {
  const op = 'kMatMulBias';
  const shape = (t: unknown) => (t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : typeof t);
  if (!(w instanceof tf.Tensor) || w.rank !== 3) throw new Error(`${op}: w must be a [K, in, out] tensor, got ${shape(w)}`);
  const [K, din, out] = w.shape;
  if (!(a instanceof tf.Tensor) || a.rank !== 3 || (a.shape[0] !== K && a.shape[0] !== 1) || a.shape[2] !== din) throw new Error(`${op}: a must be [${K} or 1, N, ${din}], got ${shape(a)}`);
  if (!(b instanceof tf.Tensor) || b.rank !== 2 || b.shape[0] !== K || b.shape[1] !== out) throw new Error(`${op}: b must be [${K}, ${out}], got ${shape(b)}`);
  if (activation !== 'linear' && activation !== 'relu') throw new Error(`${op}: activation must be 'linear' or 'relu', got ${String(activation)}`);
  return tf.tidy(() => {
    const bias = tf.reshape(b, [K, 1, out]);
    if (tf.getBackend() === 'wasm') {
      const y = tf.add(tf.matMul(a, w), bias);
      return (activation === 'relu' ? tf.relu(y) : y) as tf.Tensor3D;
    }
    return tf.fused.matMul({ a, b: w, bias, activation }) as tf.Tensor3D;
  });
}

/** y = x·W + b per model: x [K or 1, B, in], w [K, in, out], b [K, out] → [K, B, out] (one batched matmul). */
export function kLinear(x: tf.Tensor3D, layer: KLinear<tf.Tensor>): tf.Tensor3D {
  return kMatMulBias(x, layer.w as tf.Tensor3D, layer.b, 'linear');
}

/**
 * Forward pass of K MLPs given their layers (any tensors of the {@link KMlp} layer shapes, e.g. a slice or a
 * matched permutation): logits [K, B, out]. x is shared [B, in] or per model [K, B, in].
 *
 * @example
 * const logits = kMlpForward(net.layers, x, 'relu'); // [K, B, 10]
 */
export function kMlpForward(layers: readonly KLinear<tf.Tensor>[], x: tf.Tensor, activation: KActivation = 'relu'): tf.Tensor3D {
  const op = 'kMlpForward';
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`${op}: layers must be a non-empty array of {w, b}, got ${Array.isArray(layers) ? 'an empty array' : typeof layers}`);
  if (!ACTIVATIONS.includes(activation)) throw new Error(`${op}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${String(activation)}`);
  const K = layers[0]!.w.shape[0]!;
  layers.forEach((l, i) => {
    const [k, din, dout] = l.w.shape;
    if (l.w.rank !== 3 || k !== K) throw new Error(`${op}: layers[${i}].w must be [${K}, in, out], got shape [${l.w.shape.join(', ')}]`);
    if (i > 0 && din !== layers[i - 1]!.w.shape[2]) throw new Error(`${op}: layers[${i}].w must have ${layers[i - 1]!.w.shape[2]} inputs (layer ${i - 1}'s outputs), got shape [${l.w.shape.join(', ')}]`);
    if (l.b.rank !== 2 || l.b.shape[0] !== K || l.b.shape[1] !== dout) throw new Error(`${op}: layers[${i}].b must be [${K}, ${dout}], got shape [${l.b.shape.join(', ')}]`);
  });
  return tf.tidy(() => {
    let h = kBatchInput(op, x, K, layers[0]!.w.shape[1]!);
    layers.forEach((l, i) => {
      const act = i < layers.length - 1 ? activation : 'identity';
      if (act === 'relu' || act === 'identity') {
        // One kernel for matmul + bias + relu (and its gradient), instead of three: per-op host cost dominates here.
        h = kMatMulBias(h, l.w as tf.Tensor3D, l.b, act === 'relu' ? 'relu' : 'linear');
      } else {
        h = kActivate(kLinear(h, l), act) as tf.Tensor3D;
      }
    });
    return h;
  });
}

/** Options of {@link kLinearVariables}. */
export interface KLinearVariablesOptions {
  K: number;
  /** One seed per model. */
  seeds: number[];
  inDim: number;
  outDim: number;
  /** Layer index l of the network: the weight draws Philox stream 2l and the bias stream 2l + 1. */
  layer: number;
  /** Default 'torch' (PyTorch's nn.Linear default). */
  init?: KInit;
}

/**
 * Variables of one dense layer of K models (w [K, inDim, outDim], b [K, outDim]) for networks assembled by hand
 * from {@link kLinear}, {@link kConv2d} and friends; slice k is what a lone model with seed `seeds[k]` draws.
 */
export function kLinearVariables(opts: KLinearVariablesOptions): KLinear {
  const op = 'kLinearVariables';
  expectOptions(op, 'options', opts, ['K', 'seeds', 'inDim', 'outDim', 'layer', 'init']);
  const { K, seeds, inDim, outDim, layer, init = 'torch' } = opts;
  validateK(op, K, seeds);
  expectInteger(op, 'inDim', inDim, { min: 1 });
  expectInteger(op, 'outDim', outDim, { min: 1 });
  expectInteger(op, 'layer', layer);
  validateInit(op, init);
  return kLayerVariables(seeds, layer, [inDim, outDim], [outDim], inDim, init);
}

/**
 * K independent MLPs in one set of variables with a leading model axis, for seed ensembles, independent pairs
 * and learning-rate sweeps trained in one dispatch stream. Layer l's weight is drawn from Philox stream 2l and
 * its bias from stream 2l + 1 of model k's seed, so model k equals the model `kMlp({ ..., K: 1, seeds: [seeds[k]] })`
 * would build. Train with any tfjs optimizer on `variables()` and a loss that sums the per-model mean losses
 * (e.g. {@link kCrossEntropy}): the gradient of model k's slice is then model k's own gradient. Per-model learning
 * rates: `@lemma/optim`'s `learningRateScale` (length K).
 *
 * @example
 * const net = kMlp({ sizes: [784, 512, 512, 512, 10], K: 48, seeds: Array.from({ length: 48 }, (_, k) => k) });
 * const opt = tf.train.momentum(0.05, 0.9);
 * opt.minimize(() => kCrossEntropy(net.forward(x), labels), false, net.variables());
 */
export function kMlp(opts: KMlpOptions): KMlp {
  const op = 'kMlp';
  if (opts === null || typeof opts !== 'object') throw new Error(`${op}: options must be an object, got ${String(opts)}`);
  expectOptions(op, 'options', opts, ['sizes', 'K', 'seeds', 'activation', 'init']);
  const { sizes, K, seeds, activation = 'relu', init = 'torch' } = opts;
  validateK(op, K, seeds);
  if (!Array.isArray(sizes) || sizes.length < 2) throw new Error(`${op}: sizes must list at least two widths (input and output), got ${JSON.stringify(sizes)}`);
  sizes.forEach((d, i) => expectInteger(op, `sizes[${i}]`, d, { min: 1 }));
  if (!ACTIVATIONS.includes(activation)) throw new Error(`${op}: activation must be one of ${ACTIVATIONS.join(', ')}, got ${String(activation)}`);
  validateInit(op, init);
  const layers: KLinear[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    layers.push(kLayerVariables(seeds, l, [sizes[l]!, sizes[l + 1]!], [sizes[l + 1]!], sizes[l]!, init));
  }
  return {
    K,
    sizes: [...sizes],
    activation,
    layers,
    variables: () => layers.flatMap((l) => [l.w, l.b]),
    forward: (x) => kMlpForward(layers, x, activation),
    dispose: () => layers.forEach((l) => (l.w.dispose(), l.b.dispose())),
  };
}
