/**
 * The reward model of the digits reproduction: a small CNN (tfjs-core ops, no layers) trained on real digits.
 * Its weights travel between threads as plain Float32Arrays, so a cell can rebuild the exact same classifier.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { adamw } from '@lemma/optim';
import { TFJS_ADAM_EPS } from '../../lib/learning-rate';
import { timedTrainSteps } from '../../lib/timed-train-steps';

/**
 * Weights of the CNN: conv 2×2 stride 2 (1→C1, 28→14), conv 2×2 stride 2 (C1→C2, 14→7), dense 7·7·C2 → F (the
 * feature layer of the Fréchet distance), dense F → 10. Kernels equal to their stride make each conv a reshape
 * plus one matMul, differentiable on every backend (wasm has no Conv2DBackpropFilter).
 */
export interface CnnWeights {
  c1: number;
  c2: number;
  features: number;
  values: Float32Array[];
}

/** Shapes of the weight tensors, in the order of {@link CnnWeights.values}. */
function shapes(c1: number, c2: number, f: number): number[][] {
  return [[4, c1], [c1], [4 * c1, c2], [c2], [7 * 7 * c2, f], [f], [f, 10], [10]];
}

/** He-normal initial weights from a Philox stream (tfjs initialisers are unseeded). */
export function initCnn(seed: number, c1 = 8, c2 = 16, features = 32): CnnWeights {
  const rng = createRng(seed, 41);
  const values = shapes(c1, c2, features).map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    if (s.length === 1) return new Float32Array(n);
    const fanIn = s[0]!;
    return Float32Array.from(rng.normalArray(n), (z) => z * Math.sqrt(2 / fanIn));
  });
  return { c1, c2, features, values };
}

/** A 2×2 stride-2 convolution of x [n, h, w, c] with w [4c, co]: non-overlapping patches times the filter matrix. */
function conv2x2(x: tf.Tensor4D, w: tf.Tensor2D, b: tf.Tensor): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const p = tf.transpose(tf.reshape(x, [n * (h / 2), 2, wd / 2, 2 * c]), [0, 2, 1, 3]);
  const y = tf.add(tf.matMul(tf.reshape(p, [n * (h / 2) * (wd / 2), 4 * c]), w), b);
  return tf.relu(tf.reshape(y, [n, h / 2, wd / 2, w.shape[1]])) as tf.Tensor4D;
}

/** Feature layer (ReLU of the first dense layer) and logits for a batch of 28×28 images [n, 784]. */
function forward(w: tf.Tensor[], x: tf.Tensor2D): { feat: tf.Tensor2D; logits: tf.Tensor2D } {
  const img = tf.reshape(x, [x.shape[0], 28, 28, 1]) as tf.Tensor4D;
  const h2 = conv2x2(conv2x2(img, w[0] as tf.Tensor2D, w[1]!), w[2] as tf.Tensor2D, w[3]!);
  const flat = tf.reshape(h2, [x.shape[0], 7 * 7 * (w[2]!.shape[1] as number)]) as tf.Tensor2D;
  const feat = tf.relu(tf.add(tf.matMul(flat, w[4] as tf.Tensor2D), w[5]!)) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(feat, w[6] as tf.Tensor2D), w[7]!) as tf.Tensor2D;
  return { feat, logits };
}

/** Trains the CNN by Adam on (x, y) with a seeded minibatch order; returns the trained weights. `run` names its TensorBoard run. */
export async function trainCnn(x: Float32Array, y: Uint8Array, opts: { seed: number; epochs: number; batchSize?: number; learningRate?: number; run?: string }): Promise<CnnWeights> {
  const init = initCnn(opts.seed);
  const n = y.length;
  const bs = opts.batchSize ?? 64;
  const vars = init.values.map((v, i) => tf.tidy(() => tf.variable(tf.tensor(v, shapes(init.c1, init.c2, init.features)[i]!))));
  // Adam as @lemma/optim's fused AdamW without weight decay and with tfjs' ε (tf.train.adam's math).
  const optimizer = adamw({ learningRate: opts.learningRate ?? 2e-3, weightDecay: 0, eps: TFJS_ADAM_EPS });
  const xs = tf.tensor2d(x, [n, 784]);
  const ys = tf.oneHot(tf.tensor1d(Int32Array.from(y), 'int32'), 10);
  const rng = createRng(opts.seed, 42);
  const perEpoch = Math.floor(n / bs);
  let order: number[] = [];
  try {
    if (opts.epochs > 0 && perEpoch > 0) {
      await timedTrainSteps(
        ([idx]) => {
          const xb = tf.gather(xs, idx!) as tf.Tensor2D;
          const yb = tf.gather(ys, idx!);
          const loss = optimizer.minimize(() => tf.losses.softmaxCrossEntropy(yb, forward(vars, xb).logits) as tf.Scalar, true, vars)!;
          tf.dispose([xb, yb]);
          return loss;
        },
        (i) => {
          const s = (i % perEpoch) * bs;
          // trainSteps asks for each batch once, in step order, so the epoch shuffles draw from rng as a plain loop's do.
          if (s === 0) order = rng.shuffle(Array.from({ length: n }, (_, r) => r));
          return [tf.tensor1d(Int32Array.from(order.slice(s, s + bs)), 'int32')];
        },
        { steps: opts.epochs * perEpoch, readEvery: 50, run: opts.run ?? `cnn-seed${opts.seed}` },
      );
    }
    const values = await Promise.all(vars.map(async (v) => (await v.data()) as Float32Array));
    return { c1: init.c1, c2: init.c2, features: init.features, values: values.map((v) => Float32Array.from(v)) };
  } finally {
    tf.dispose([xs, ys, ...vars]);
    optimizer.dispose();
  }
}

/** Class probabilities q_c(x) [n, 10] and features [n, F] of images [n, 784] (batched to bound memory). */
export async function classify(w: CnnWeights, x: Float32Array, batch = 4096): Promise<{ probs: Float32Array; features: Float32Array }> {
  const n = x.length / 784;
  const probs = new Float32Array(n * 10);
  const features = new Float32Array(n * w.features);
  const ws = w.values.map((v, i) => tf.tensor(v, shapes(w.c1, w.c2, w.features)[i]!));
  try {
    for (let s = 0; s < n; s += batch) {
      const m = Math.min(batch, n - s);
      const [p, f] = tf.tidy(() => {
        const out = forward(ws, tf.tensor2d(x.subarray(s * 784, (s + m) * 784), [m, 784]));
        return [tf.softmax(out.logits), out.feat];
      });
      probs.set((await p!.data()) as Float32Array, s * 10);
      features.set((await f!.data()) as Float32Array, s * w.features);
      tf.dispose([p!, f!]);
    }
  } finally {
    tf.dispose(ws);
  }
  return { probs, features };
}
