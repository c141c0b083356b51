/**
 * A tiny GPT in tfjs-layers (pre-LN causal transformer on one-hot characters), shared by the language-model
 * reproductions. Functional tfjs-core ops only (tfjs-core alone registers no chained ops).
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = ConstructorParameters<typeof tfl.layers.Layer>[0];
const Layer = tfl.layers.Layer;

/** LayerNorm over the last axis (functional ops only: tfjs-core alone registers no chained ops). */
function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

/** Learned position embedding [L, d] added to the token embedding (named *embed*: no weight decay). */
export class PositionEmbedding extends Layer {
  static className = 'LemmaPositionEmbedding';
  private pos!: tfl.LayerVariable;
  constructor(
    private readonly seed: number,
    args?: LayerArgs,
  ) {
    super(args);
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const s = inputShape as number[];
    this.pos = this.addWeight('pos_embed', [s[1]!, s[2]!], 'float32', tfl.initializers.randomNormal({ stddev: 0.02, seed: this.seed }));
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(Array.isArray(inputs) ? inputs[0]! : inputs, this.pos.read()));
  }
}

/** Pre-LN transformer block: causal multi-head self-attention and a ReLU MLP (4×), both residual. */
export class TransformerBlock extends Layer {
  static className = 'LemmaTransformerBlock';
  private w: Record<string, tfl.LayerVariable> = {};
  constructor(
    private readonly heads: number,
    private readonly seed: number,
    args?: LayerArgs,
  ) {
    super(args);
  }
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const d = (inputShape as number[])[2]!;
    // Offset by 1e5 so block seeds never meet the embedding/head seeds of another model seed.
    const init = (k: number, fanIn: number, scale = 1) =>
      tfl.initializers.randomNormal({ stddev: scale / Math.sqrt(fanIn), seed: 100_000 + this.seed * 16 + k });
    const ones = tfl.initializers.ones();
    const zeros = tfl.initializers.zeros();
    this.w.ln1g = this.addWeight('ln1_gamma', [d], 'float32', ones);
    this.w.ln1b = this.addWeight('ln1_beta', [d], 'float32', zeros);
    this.w.qkv = this.addWeight('qkv_kernel', [d, 3 * d], 'float32', init(1, d));
    this.w.o = this.addWeight('attn_out_kernel', [d, d], 'float32', init(2, d, 0.5));
    this.w.ln2g = this.addWeight('ln2_gamma', [d], 'float32', ones);
    this.w.ln2b = this.addWeight('ln2_beta', [d], 'float32', zeros);
    this.w.fc1 = this.addWeight('mlp_in_kernel', [d, 4 * d], 'float32', init(3, d));
    this.w.b1 = this.addWeight('mlp_in_bias', [4 * d], 'float32', zeros);
    this.w.fc2 = this.addWeight('mlp_out_kernel', [4 * d, d], 'float32', init(4, 4 * d, 0.5));
    this.w.b2 = this.addWeight('mlp_out_bias', [d], 'float32', zeros);
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0]! : inputs;
      const [B, L, d] = x.shape as [number, number, number];
      const h = this.heads, dh = d / h;
      const r = (k: string) => this.w[k]!.read();
      const x2 = tf.reshape(x, [B * L, d]);
      const a = layerNorm(x2, r('ln1g'), r('ln1b'));
      const qkv = tf.matMul(a, r('qkv'));
      const heads = (t: tf.Tensor) => tf.reshape(tf.transpose(tf.reshape(t, [B, L, h, dh]), [0, 2, 1, 3]), [B * h, L, dh]);
      const [q, k, v] = tf.split(qkv, 3, 1).map(heads) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      const mask = tf.mul(tf.sub(tf.linalg.bandPart(tf.ones([L, L]), -1, 0), 1), 1e9);
      const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)), mask));
      const y = tf.reshape(tf.transpose(tf.reshape(tf.matMul(att, v), [B, h, L, dh]), [0, 2, 1, 3]), [B * L, d]);
      const x3 = tf.add(x2, tf.matMul(y, r('o')));
      const m = layerNorm(x3, r('ln2g'), r('ln2b'));
      const out = tf.add(x3, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(m, r('fc1')), r('b1'))), r('fc2')), r('b2')));
      return tf.reshape(out, [B, L, d]);
    });
  }
  override computeOutputShape(s: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return s;
  }
  override getConfig() {
    return { ...super.getConfig(), heads: this.heads, seed: this.seed };
  }
}

/** The final LayerNorm before the softmax head. */
export class FinalNorm extends Layer {
  static className = 'LemmaFinalNorm';
  private g!: tfl.LayerVariable;
  private b!: tfl.LayerVariable;
  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const d = (inputShape as number[])[2]!;
    this.g = this.addWeight('lnf_gamma', [d], 'float32', tfl.initializers.ones());
    this.b = this.addWeight('lnf_beta', [d], 'float32', tfl.initializers.zeros());
    this.built = true;
  }
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => layerNorm(Array.isArray(inputs) ? inputs[0]! : inputs, this.g.read(), this.b.read()));
  }
}

/**
 * A tiny GPT in tfjs-layers: token embedding (a bias-free Dense layer on one-hot characters, since wasm has no
 * gradient for Gather), learned positions, `layers` pre-LN blocks of causal self-attention + ReLU MLP, final
 * LayerNorm, softmax head. All initialisers seeded.
 */
export function tinyGPT(V: number, L: number, d: number, layers: number, heads: number, seed: number): tfl.Sequential {
  // tfjs treats a seed of 0 as 'unseeded' (Math.random), so every initialiser seed is kept >= 1.
  const base = 1 + seed * 16;
  const ls: tfl.layers.Layer[] = [
    tfl.layers.dense({ units: d, useBias: false, inputShape: [L, V], kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.3, seed: base }), name: 'tok_embed' }),
    new PositionEmbedding(base + 5, { name: 'pos_embed' }),
  ];
  for (let i = 0; i < layers; i++) ls.push(new TransformerBlock(heads, base + 6 + i, { name: `block${i}` })); // up to 9 blocks keep distinct seeds
  ls.push(new FinalNorm({ name: 'ln_f' }));
  ls.push(tfl.layers.dense({ units: V, activation: 'softmax', kernelInitializer: tfl.initializers.randomNormal({ stddev: 0.02, seed: base + 15 }), name: 'head' }));
  return tfl.sequential({ layers: ls });
}

/** Parameters outside the token/position embeddings and the output head: the P of the paper's LR-scaling fits. */
export function nonEmbeddingParams(model: tfl.LayersModel): number {
  let n = 0;
  for (const w of model.weights) if (!/embed|head/.test(w.name)) n += w.shape.reduce<number>((a, b) => a * (b ?? 1), 1);
  return n;
}
