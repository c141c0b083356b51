/**
 * K tiny GPTs at once: {@link tinyGPT}'s architecture and arithmetic as plain tfjs-core functions of parameters that
 * carry a leading model axis K, so one step (one replayed step graph on webgpu) trains K seeds with batched matMuls.
 * Model k starts from exactly the weights `tinyGPT(V, L, d, layers, heads, seeds[k])` draws (they are read off a
 * built layers model), so K = 1 is tinyGPT and slice k of a K-model is the lone model of seed k.
 *
 * Per model: token embedding (a bias-free dense layer on one-hot characters), learned positions, `layers` pre-LN
 * blocks (causal multi-head self-attention without biases, then a ReLU 4× MLP with biases, both residual), final
 * LayerNorm (eps 1e-5), dense head with bias whose softmax is the next-character distribution; the forward pass
 * returns the head's logits. Functional ops only (tfjs-core alone registers no chained ops).
 */
import * as tf from '@tensorflow/tfjs-core';
import { kLayerNorm, kMatMulBias } from '@lemma/gpu-kernels';
import type { KLayerNorm, KLinear } from '@lemma/gpu-kernels';
import { tinyGPT } from './tiny-gpt';

/** One pre-LN block of K models (d = width, F = 4d). */
export interface KTinyGPTBlock<T extends tf.Tensor = tf.Variable> {
  ln1: KLayerNorm<T>;
  /** Fused query/key/value projection [K, d, 3d] (columns q | k | v, heads contiguous in each); no bias. */
  qkv: T;
  /** Attention output projection [K, d, d]; no bias. */
  attnOut: T;
  ln2: KLayerNorm<T>;
  /** w [K, d, F], b [K, F]. */
  fc1: KLinear<T>;
  /** w [K, F, d], b [K, d]. */
  fc2: KLinear<T>;
}

/** Parameters of K tiny GPTs, each with leading dimension K. */
export interface KTinyGPTParams<T extends tf.Tensor = tf.Variable> {
  /** Token embedding [K, V, d] (the one-hot dense layer's kernel). */
  tokEmbed: T;
  /** Learned positions [K, L, d]. */
  posEmbed: T;
  blocks: KTinyGPTBlock<T>[];
  lnf: KLayerNorm<T>;
  /** Head: w [K, d, V], b [K, V]. */
  head: KLinear<T>;
}

/** K tiny GPTs; see {@link kTinyGPT}. */
export interface KTinyGPT {
  readonly K: number;
  readonly seeds: readonly number[];
  readonly V: number;
  readonly L: number;
  readonly d: number;
  readonly layers: number;
  readonly heads: number;
  readonly params: KTinyGPTParams;
  /** Every trainable variable ([K, ...] each), in tinyGPT's weight order: the optimizer's var list. */
  variables(): tf.Variable[];
  /** Logits [K, B, L, V] of one-hot characters x [K, B, L, V] (one batch per model) or [1, B, L, V] (shared). */
  forward(x: tf.Tensor): tf.Tensor4D;
  /** Parameters of one model (tinyGPT's countParams). */
  countParams(): number;
  /** Parameters of one model outside the embeddings and the head (tiny-gpt's nonEmbeddingParams). */
  nonEmbeddingParams(): number;
  /** Disposes the variables and the causal mask. */
  dispose(): void;
}

/** The causal mask [L, L]: 0 on and below the diagonal, -1e9 above (exp underflows to exactly 0 after softmax's max shift). */
export function causalMask(L: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from({ length: L * L }, (_, i) => (i % L > Math.floor(i / L) ? -1e9 : 0)), [L, L]);
}

/**
 * Forward pass of K tiny GPTs given their parameters (any tensors of the {@link KTinyGPTParams} shapes): one-hot
 * x [K or 1, B, L, V] → logits [K, B, L, V]. A shared batch ([1, ...]) broadcasts over the models. Every op is a
 * batched matMul or an elementwise / last-axis op at rank ≤ 4 (which tfjs-webgpu needs); attention runs per model
 * and head as one batched matMul over [K·B·heads, L, L]. `mask` defaults to {@link causalMask}(L).
 */
export function kTinyGPTForward(p: KTinyGPTParams<tf.Tensor>, x: tf.Tensor, heads: number, mask?: tf.Tensor): tf.Tensor4D {
  const op = 'kTinyGPTForward';
  const [K, V, d] = p.tokEmbed.shape as [number, number, number];
  const L = p.posEmbed.shape[1]!;
  if (!(x instanceof tf.Tensor) || x.dtype !== 'float32' || x.rank !== 4 || (x.shape[0] !== K && x.shape[0] !== 1) || x.shape[2] !== L || x.shape[3] !== V) {
    throw new Error(`${op}: x must be a float32 [${K} or 1, B, ${L}, ${V}] tensor, got ${x instanceof tf.Tensor ? `${x.dtype} shape [${x.shape.join(', ')}]` : typeof x}`);
  }
  if (!Number.isInteger(heads) || heads < 1 || d % heads !== 0) throw new Error(`${op}: heads must be a positive integer dividing d = ${d}, got ${heads}`);
  const B = x.shape[1]!;
  const N = B * L;
  const H = heads;
  const dh = d / H;
  return tf.tidy(() => {
    const m = mask ?? causalMask(L);
    // Token embedding, then positions: [K, B, L, d] + [K, 1, L, d].
    const tok = tf.matMul(tf.reshape(x, [x.shape[0]!, N, V]) as tf.Tensor3D, p.tokEmbed as tf.Tensor3D);
    let h = tf.reshape(tf.add(tf.reshape(tok, [K, B, L, d]), tf.reshape(p.posEmbed, [K, 1, L, d])), [K, N, d]) as tf.Tensor3D;
    // [K, B·L, d] → [K·B·H, L, dh]: the heads of every model become one attention batch.
    const split = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [K * B, L, H, dh]), [0, 2, 1, 3]), [K * B * H, L, dh]) as tf.Tensor3D;
    for (const blk of p.blocks) {
      const qkv = tf.matMul(kLayerNorm(h, blk.ln1), blk.qkv as tf.Tensor3D);
      const [q, k, v] = tf.split(qkv, 3, 2).map(split) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), m));
      const y = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [K * B, H, L, dh]), [0, 2, 1, 3]), [K, N, d]) as tf.Tensor3D;
      h = tf.add(h, tf.matMul(y, blk.attnOut as tf.Tensor3D)) as tf.Tensor3D;
      const mlp = kMatMulBias(kMatMulBias(kLayerNorm(h, blk.ln2), blk.fc1.w as tf.Tensor3D, blk.fc1.b, 'relu'), blk.fc2.w as tf.Tensor3D, blk.fc2.b, 'linear');
      h = tf.add(h, mlp) as tf.Tensor3D;
    }
    const logits = kMatMulBias(kLayerNorm(h, p.lnf), p.head.w as tf.Tensor3D, p.head.b, 'linear');
    return tf.reshape(logits, [K, B, L, V]) as tf.Tensor4D;
  });
}

let instances = 0;

/**
 * K tiny GPTs, model k initialised exactly as `tinyGPT(V, L, d, layers, heads, seeds[k])` (built, read, stacked
 * along a new axis 0, disposed). Variable names (unique per instance) keep what @lemma/optim's `noDecay: 'auto'`
 * reads: the token and position embeddings match /embed/i, and the biases and LayerNorm gains/offsets are rank 1
 * per model ([K, n]), as tinyGPT's are; the kernels are rank 2 per model.
 *
 * @example
 * const net = kTinyGPT(96, 32, 32, 2, 2, [0, 1, 2]);
 * opt.minimize(() => kCrossEntropy(tf.reshape(net.forward(x), [3, B * 32, 96]), y), false, net.variables());
 */
export function kTinyGPT(V: number, L: number, d: number, layers: number, heads: number, seeds: readonly number[]): KTinyGPT {
  if (!Array.isArray(seeds) || seeds.length === 0) throw new Error(`kTinyGPT: seeds must be a non-empty array (one seed per model), got ${String(seeds)}`);
  const K = seeds.length;
  // Per seed, per layer of the Sequential, that layer's weights in addWeight order.
  const perSeed = seeds.map((seed) => {
    const m = tinyGPT(V, L, d, layers, heads, seed);
    const ws = m.layers.map((l) => l.getWeights().map((t) => t.clone()));
    m.dispose();
    return ws;
  });
  const prefix = `k_tiny_gpt_${instances++}`;
  const made: tf.Variable[] = [];
  /** Layer j's weight w of every seed, stacked [K, ...], as a variable named `${prefix}/${name}`. */
  const stacked = (j: number, w: number, name: string, shape: number[]): tf.Variable => {
    const parts = perSeed.map((ws) => ws[j]![w]!);
    for (const t of parts) if (!tf.util.arraysEqual(t.shape, shape)) throw new Error(`kTinyGPT: tinyGPT's ${name} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    const value = tf.stack(parts);
    const v = tf.variable(value, true, `${prefix}/${name}`);
    value.dispose();
    made.push(v);
    return v;
  };
  let params: KTinyGPTParams;
  try {
    const tokEmbed = stacked(0, 0, 'tok_embed', [V, d]);
    const posEmbed = stacked(1, 0, 'pos_embed', [L, d]);
    const blocks: KTinyGPTBlock[] = [];
    for (let i = 0; i < layers; i++) {
      const j = 2 + i;
      const n = (s: string) => `block${i}/${s}`;
      // TransformerBlock's addWeight order: ln1 γ β, qkv, attn_out, ln2 γ β, mlp_in kernel bias, mlp_out kernel bias.
      blocks.push({
        ln1: { gamma: stacked(j, 0, n('ln1_gamma'), [d]), beta: stacked(j, 1, n('ln1_beta'), [d]) },
        qkv: stacked(j, 2, n('qkv_kernel'), [d, 3 * d]),
        attnOut: stacked(j, 3, n('attn_out_kernel'), [d, d]),
        ln2: { gamma: stacked(j, 4, n('ln2_gamma'), [d]), beta: stacked(j, 5, n('ln2_beta'), [d]) },
        fc1: { w: stacked(j, 6, n('mlp_in_kernel'), [d, 4 * d]), b: stacked(j, 7, n('mlp_in_bias'), [4 * d]) },
        fc2: { w: stacked(j, 8, n('mlp_out_kernel'), [4 * d, d]), b: stacked(j, 9, n('mlp_out_bias'), [d]) },
      });
    }
    const lnf = { gamma: stacked(2 + layers, 0, 'ln_f/lnf_gamma', [d]), beta: stacked(2 + layers, 1, 'ln_f/lnf_beta', [d]) };
    const head = { w: stacked(3 + layers, 0, 'head/kernel', [d, V]), b: stacked(3 + layers, 1, 'head/bias', [V]) };
    params = { tokEmbed, posEmbed, blocks, lnf, head };
  } catch (e) {
    tf.dispose(made);
    throw e;
  } finally {
    perSeed.forEach((ws) => ws.forEach((l) => tf.dispose(l)));
  }
  const mask = causalMask(L);
  const perModel = (vs: tf.Variable[]) => vs.reduce((n, v) => n + v.size / K, 0);
  return {
    K,
    seeds: [...seeds],
    V,
    L,
    d,
    layers,
    heads,
    params,
    variables: () => [...made],
    forward: (x) => kTinyGPTForward(params, x, heads, mask),
    countParams: () => perModel(made),
    nonEmbeddingParams: () => perModel(made.filter((v) => !/embed|head/.test(v.name.slice(prefix.length)))),
    dispose: () => tf.dispose([...made, mask]),
  };
}
