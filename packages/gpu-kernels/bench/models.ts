/**
 * The small models the training benches and step-graph tests train, written as plain tfjs ops over
 * variables: an MLP and the tiny GPT of the optim-char-lm reproduction (pre-LN blocks of causal multi-head
 * self-attention and a 4x ReLU MLP, one-hot token embedding, learned positions), with the same shapes and
 * initialisation scales as the reproduction's tfjs-layers model.
 */
import * as tf from '@tensorflow/tfjs-core';

/** A model as a loss over a batch plus its variables. */
export interface TrainableModel {
  params: tf.Variable[];
  /** Mean cross-entropy of the batch `[x, y]`. */
  loss(batch: tf.Tensor[]): tf.Scalar;
  /** A random batch (same shapes every call) from a deterministic stream. */
  batch(i: number): tf.Tensor[];
  dispose(): void;
}

let nameSeq = 0;
function glorot(shape: number[], seed: number, prefix: string): tf.Variable {
  const fanIn = shape[0]!;
  const fanOut = shape[shape.length - 1]!;
  const lim = Math.sqrt(6 / (fanIn + fanOut));
  return tf.tidy(() => tf.variable(tf.randomUniform(shape, -lim, lim, 'float32', seed), true, `${prefix}_${nameSeq++}`));
}
function constant(shape: number[], v: number, prefix: string): tf.Variable {
  return tf.tidy(() => tf.variable(tf.fill(shape, v), true, `${prefix}_${nameSeq++}`));
}

/** Softmax cross-entropy of logits `[n, V]` against integer labels through one-hot `[n, V]` targets. */
function crossEntropy(logits: tf.Tensor2D, onehot: tf.Tensor2D): tf.Scalar {
  return tf.neg(tf.mean(tf.sum(tf.mul(onehot, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/** MLP `sizes[0] -> ... -> sizes[-1]` with ReLU, on random inputs and random class labels. */
export function mlp(sizes: number[], batchSize: number, seed = 1): TrainableModel {
  const params: tf.Variable[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    params.push(glorot([sizes[i]!, sizes[i + 1]!], seed + i, 'mlp_w'));
    params.push(constant([sizes[i + 1]!], 0, 'mlp_b'));
  }
  const n = params.length / 2;
  const classes = sizes[sizes.length - 1]!;
  return {
    params,
    loss: ([x, y]) =>
      tf.tidy(() => {
        let h = x as tf.Tensor2D;
        for (let i = 0; i < n; i++) {
          h = tf.add(tf.matMul(h, params[2 * i]!), params[2 * i + 1]!);
          if (i + 1 < n) h = tf.relu(h);
        }
        return crossEntropy(h, y as tf.Tensor2D);
      }),
    batch: (i) =>
      tf.tidy(() => [
        tf.randomNormal([batchSize, sizes[0]!], 0, 1, 'float32', seed * 7919 + i),
        tf.cast(tf.oneHot(tf.randomUniformInt([batchSize], 0, classes, seed * 104729 + i), classes), 'float32'),
      ]),
    dispose: () => tf.dispose(params),
  };
}

/** Shape of a tiny GPT. */
export interface TinyGPTSize {
  vocab: number;
  context: number;
  d: number;
  layers: number;
  heads: number;
  batch: number;
}

/** The reproduction's default: d32, 1 block, 2 heads, context 32, batch 32 (vocab of the Moby-Dick text). */
export const TINY_GPT_D32: TinyGPTSize = { vocab: 65, context: 32, d: 32, layers: 1, heads: 2, batch: 32 };
/** d128, 4 blocks, 4 heads: about 0.8M parameters. */
export const TINY_GPT_D128X4: TinyGPTSize = { vocab: 65, context: 32, d: 128, layers: 4, heads: 4, batch: 32 };

function layerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

/** Parameter count of a tiny GPT. */
export function tinyGPTParams(s: TinyGPTSize): number {
  const block = 4 * s.d + 4 * s.d * s.d + 4 * s.d + 8 * s.d * s.d + 5 * s.d;
  return s.vocab * s.d + s.context * s.d + s.layers * block + 2 * s.d + s.d * s.vocab + s.vocab;
}

/** The tiny GPT as a next-character model on random tokens (x one-hot `[B, L, V]`, y one-hot `[B*L, V]`). */
export function tinyGPT(s: TinyGPTSize, seed = 1): TrainableModel {
  const { vocab: V, context: L, d, heads: H, batch: B } = s;
  const hd = d / H;
  if (!Number.isInteger(hd)) throw new Error(`tinyGPT: d (${d}) must be a multiple of heads (${H})`);
  const emb = glorot([V, d], seed, 'emb');
  const pos = tf.tidy(() => tf.variable(tf.randomNormal([L, d], 0, 0.02, 'float32', seed + 1), true, `pos_${nameSeq++}`));
  const blocks = Array.from({ length: s.layers }, (_, i) => {
    const k = seed + 100 * (i + 1);
    return {
      ln1g: constant([d], 1, 'ln1g'), ln1b: constant([d], 0, 'ln1b'),
      wqkv: glorot([d, 3 * d], k, 'wqkv'), bqkv: constant([3 * d], 0, 'bqkv'),
      wo: glorot([d, d], k + 1, 'wo'), bo: constant([d], 0, 'bo'),
      ln2g: constant([d], 1, 'ln2g'), ln2b: constant([d], 0, 'ln2b'),
      w1: glorot([d, 4 * d], k + 2, 'w1'), b1: constant([4 * d], 0, 'b1'),
      w2: glorot([4 * d, d], k + 3, 'w2'), b2: constant([d], 0, 'b2'),
    };
  });
  const lnfg = constant([d], 1, 'lnfg');
  const lnfb = constant([d], 0, 'lnfb');
  const head = glorot([d, V], seed + 2, 'head');
  const headb = constant([V], 0, 'headb');
  const params = [emb, pos, ...blocks.flatMap((b) => Object.values(b)), lnfg, lnfb, head, headb];
  // Additive causal mask: 0 on and below the diagonal, -1e9 above. Created once, outside the step.
  const mask = tf.tidy(() => tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([L, L]), -1, 0)), -1e9));
  const loss = ([x, y]: tf.Tensor[]): tf.Scalar =>
    tf.tidy(() => {
      let h = tf.add(tf.reshape(tf.matMul(tf.reshape(x!, [B * L, V]), emb), [B, L, d]), pos);
      for (const b of blocks) {
        const a = tf.reshape(layerNorm(h, b.ln1g, b.ln1b), [B * L, d]);
        const qkv = tf.add(tf.matMul(a, b.wqkv), b.bqkv);
        // [B*L, d] columns -> [B, H, L, hd] (tfjs-webgpu has no 5-D slice/transpose)
        const split = (j: number) => tf.transpose(tf.reshape(tf.slice(qkv, [0, j * d], [B * L, d]), [B, L, H, hd]), [0, 2, 1, 3]);
        const q = split(0);
        const kk = split(1);
        const v = split(2);
        const att = tf.softmax(tf.add(tf.mul(tf.matMul(q, kk, false, true), 1 / Math.sqrt(hd)), mask));
        const o = tf.reshape(tf.transpose(tf.matMul(att, v), [0, 2, 1, 3]), [B * L, d]);
        h = tf.add(h, tf.reshape(tf.add(tf.matMul(o, b.wo), b.bo), [B, L, d]));
        const m = tf.reshape(layerNorm(h, b.ln2g, b.ln2b), [B * L, d]);
        const f = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(m, b.w1), b.b1)), b.w2), b.b2);
        h = tf.add(h, tf.reshape(f, [B, L, d]));
      }
      const logits = tf.add(tf.matMul(tf.reshape(layerNorm(h, lnfg, lnfb), [B * L, d]), head), headb) as tf.Tensor2D;
      return crossEntropy(logits, y as tf.Tensor2D);
    });
  return {
    params,
    loss,
    batch: (i) =>
      tf.tidy(() => {
        const toks = tf.randomUniformInt([B, L + 1], 0, V, seed * 7919 + i);
        const xs = tf.slice(toks, [0, 0], [B, L]);
        const ys = tf.slice(toks, [0, 1], [B, L]);
        return [tf.cast(tf.oneHot(xs, V), 'float32'), tf.cast(tf.oneHot(tf.reshape(ys, [B * L]), V), 'float32')];
      }),
    dispose: () => tf.dispose([...params, mask]),
  };
}

/** A training step over a model and any tfjs optimizer: minimize, return the loss. */
export function optimizerStep(model: TrainableModel, opt: tf.Optimizer): (batch: tf.Tensor[]) => tf.Tensor {
  return (batch) => opt.minimize(() => model.loss(batch), true, model.params)!;
}
