import * as tf from '@tensorflow/tfjs-core';
import { expectInteger, expectOptions, expectPositive } from '../validate';
import { kLayerVariables, validateInit, validateK } from './k-params';
import type { KInit } from './k-params';
import { kActivate, kMatMulBias } from './k-mlp';
import type { KLinear } from './k-mlp';

/** LayerNorm gain and shift of K models, each [K, D]. */
export interface KLayerNorm<T extends tf.Tensor = tf.Variable> {
  gamma: T;
  beta: T;
}

/** Parameters of one pre-LN transformer block of K models (GPT-2 layout, D = dModel, F = dFF). */
export interface KTransformerBlockParams<T extends tf.Tensor = tf.Variable> {
  ln1: KLayerNorm<T>;
  /** Fused query/key/value projection: w [K, D, 3D] (columns q | k | v, heads contiguous in each), b [K, 3D]. */
  qkv: KLinear<T>;
  /** Output projection: w [K, D, D], b [K, D]. */
  proj: KLinear<T>;
  ln2: KLayerNorm<T>;
  /** w [K, D, F], b [K, F]. */
  fc1: KLinear<T>;
  /** w [K, F, D], b [K, D]. */
  fc2: KLinear<T>;
}

/** Options of {@link kTransformerBlockVariables}. */
export interface KTransformerBlockVariablesOptions {
  K: number;
  /** One seed per model. */
  seeds: number[];
  dModel: number;
  /** Hidden width of the MLP. Default 4·dModel. */
  dFF?: number;
  /**
   * Dense-layer index of the block's first projection: qkv, proj, fc1, fc2 use layers firstLayer .. firstLayer + 3,
   * i.e. Philox streams 2l (weight) and 2l + 1 (bias) of each model's seed. Give each block its own range.
   */
  firstLayer: number;
  /** Default 'torch'. LayerNorm starts at gamma = 1, beta = 0. */
  init?: KInit;
}

/** Variables of one transformer block of K models; slice k is what a lone model with seed `seeds[k]` draws. */
export function kTransformerBlockVariables(opts: KTransformerBlockVariablesOptions): KTransformerBlockParams {
  const op = 'kTransformerBlockVariables';
  expectOptions(op, 'options', opts, ['K', 'seeds', 'dModel', 'dFF', 'firstLayer', 'init']);
  const { K, seeds, dModel: D, firstLayer, init = 'torch' } = opts;
  validateK(op, K, seeds);
  expectInteger(op, 'dModel', D, { min: 1 });
  const F = opts.dFF ?? 4 * D;
  expectInteger(op, 'dFF', F, { min: 1 });
  expectInteger(op, 'firstLayer', firstLayer);
  validateInit(op, init);
  const ln = (): KLayerNorm => ({ gamma: tf.variable(tf.ones([K, D])), beta: tf.variable(tf.zeros([K, D])) });
  return {
    ln1: ln(),
    qkv: kLayerVariables(seeds, firstLayer, [D, 3 * D], [3 * D], D, init),
    proj: kLayerVariables(seeds, firstLayer + 1, [D, D], [D], D, init),
    ln2: ln(),
    fc1: kLayerVariables(seeds, firstLayer + 2, [D, F], [F], D, init),
    fc2: kLayerVariables(seeds, firstLayer + 3, [F, D], [D], F, init),
  };
}

/** Every variable of a block, in a fixed order (the optimizer's var list). */
export function kTransformerBlockVariableList(p: KTransformerBlockParams): tf.Variable[] {
  return [p.ln1.gamma, p.ln1.beta, p.qkv.w, p.qkv.b, p.proj.w, p.proj.b, p.ln2.gamma, p.ln2.beta, p.fc1.w, p.fc1.b, p.fc2.w, p.fc2.b];
}

/** LayerNorm over the last axis of x [K, N, D] with per-model gamma, beta [K, D]; eps 1e-5 (PyTorch's default). */
export function kLayerNorm(x: tf.Tensor3D, ln: KLayerNorm<tf.Tensor>, eps = 1e-5): tf.Tensor3D {
  const op = 'kLayerNorm';
  if (!(x instanceof tf.Tensor) || x.rank !== 3) throw new Error(`${op}: x must be a [K, N, D] tensor, got ${x instanceof tf.Tensor ? `shape [${x.shape.join(', ')}]` : typeof x}`);
  const [K, , D] = x.shape;
  for (const key of ['gamma', 'beta'] as const) {
    const t = ln?.[key];
    if (!(t instanceof tf.Tensor) || t.rank !== 2 || t.shape[0] !== K || t.shape[1] !== D) throw new Error(`${op}: ln.${key} must be [${K}, ${D}], got ${t instanceof tf.Tensor ? `shape [${t.shape.join(', ')}]` : typeof t}`);
  }
  expectPositive(op, 'eps', eps);
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    const xhat = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, eps)));
    return tf.add(tf.mul(xhat, tf.reshape(ln.gamma, [K, 1, D])), tf.reshape(ln.beta, [K, 1, D])) as tf.Tensor3D;
  });
}

/** Options of {@link kTransformerBlock}. */
export interface KTransformerBlockOptions {
  /** Attention heads; must divide dModel. */
  heads: number;
  /** Causal (autoregressive) mask. Default true. */
  causal?: boolean;
}

/**
 * One pre-LN transformer block (GPT-2: x + attn(ln1 x), then + mlp(ln2 ·) with GELU) for K models at once:
 * x [K, B, T, D] → [K, B, T, D]. Projections are batched matmuls over the model axis; attention runs per model
 * and head as one batched matmul over [K·B·heads, T, T] (everything stays at rank <= 4, which tfjs-webgpu needs).
 *
 * @example
 * const p = kTransformerBlockVariables({ K: 4, seeds: [0, 1, 2, 3], dModel: 32, firstLayer: 1 });
 * const y = kTransformerBlock(p, x, { heads: 2 }); // x [4, B, T, 32]
 */
export function kTransformerBlock(p: KTransformerBlockParams<tf.Tensor>, x: tf.Tensor, opts: KTransformerBlockOptions): tf.Tensor4D {
  const op = 'kTransformerBlock';
  if (opts === null || typeof opts !== 'object') throw new Error(`${op}: options must be an object with heads, got ${String(opts)}`);
  expectOptions(op, 'options', opts, ['heads', 'causal']);
  const { heads: H, causal = true } = opts;
  const [K, D] = p.qkv.w.shape as [number, number, number];
  if (p.qkv.w.rank !== 3 || p.qkv.w.shape[2] !== 3 * D) throw new Error(`${op}: p.qkv.w must be [K, D, 3D], got shape [${p.qkv.w.shape.join(', ')}]`);
  expectInteger(op, 'heads', H, { min: 1 });
  if (D % H !== 0) throw new Error(`${op}: heads must divide dModel = ${D}, got ${H}`);
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank !== 4 || x.shape[0] !== K || x.shape[3] !== D) {
    throw new Error(`${op}: x must be a float32 [${K}, B, T, ${D}] tensor, got ${x instanceof tf.Tensor ? `${x.dtype} shape [${x.shape.join(', ')}]` : typeof x}`);
  }
  const [, B, T] = x.shape as [number, number, number, number];
  const dh = D / H;
  return tf.tidy(() => {
    const x3 = tf.reshape(x, [K, B * T, D]) as tf.Tensor3D;
    const qkv = kMatMulBias(kLayerNorm(x3, p.ln1), p.qkv.w as tf.Tensor3D, p.qkv.b, 'linear');
    // [K, B·T, D] → [K·B·H, T, dh]: the heads of every model become one attention batch.
    const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [K * B, T, H, dh]), [0, 2, 1, 3]), [K * B * H, T, dh]) as tf.Tensor3D;
    const [q, k, v] = tf.split(qkv, 3, -1).map(heads) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
    let scores = tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh));
    if (causal) {
      // -1e9 above the diagonal: exp underflows to exactly 0 after softmax's max subtraction.
      const mask = tf.tensor2d(Array.from({ length: T * T }, (_, i) => (i % T > Math.floor(i / T) ? -1e9 : 0)), [T, T]);
      scores = tf.add(scores, mask);
    }
    const att = tf.matMul(tf.softmax(scores), v);
    const merged = tf.reshape(tf.transpose(tf.reshape(att, [K * B, H, T, dh]), [0, 2, 1, 3]), [K, B * T, D]) as tf.Tensor3D;
    const h = tf.add(x3, kMatMulBias(merged, p.proj.w as tf.Tensor3D, p.proj.b, 'linear')) as tf.Tensor3D;
    const m = kMatMulBias(kActivate(kMatMulBias(kLayerNorm(h, p.ln2), p.fc1.w as tf.Tensor3D, p.fc1.b, 'linear'), 'gelu') as tf.Tensor3D, p.fc2.w as tf.Tensor3D, p.fc2.b, 'linear');
    return tf.reshape(tf.add(h, m), [K, B, T, D]) as tf.Tensor4D;
  });
}
