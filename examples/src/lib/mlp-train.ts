/**
 * One function that trains a ReLU MLP from a seed: the single place the LMC reproductions train networks, so that a
 * K-models-at-once GPU path (gpu-kernels' k-models work) can replace it without touching the experiments.
 * Plain tfjs ops on the active backend, stepped by gpu-kernels' trainSteps (a replayed step graph on webgpu); SGD
 * with heavy-ball momentum in optax's convention (trace = g + μ·trace, θ -= lr·trace) and optax's warmup + cosine
 * schedule.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { timedTrainSteps } from './timed-train-steps';

/** Steps between loss read-backs (only the last one is used). */
const READ_EVERY = 50;

/** A trained MLP: layer sizes [in, h1, ..., out], kernels [in, out] row-major, biases, all float32. */
export interface MlpWeights {
  sizes: number[];
  kernels: Float32Array[];
  biases: Float32Array[];
}

/** What to train. */
export interface MlpTrainPlan {
  /** Layer sizes including input and output, e.g. [784, 512, 512, 512, 10]. */
  sizes: number[];
  /**
   * 'standard': logits = last Dense layer. 'meanField': one hidden layer, output (1/N) Σ_i a_i relu(w_i·x + b_i)
   * with no output bias (Mei et al. 2018); the caller scales `lr` by N (the mean-field learning rate).
   */
  parametrisation: 'standard' | 'meanField';
  loss: 'softmaxCrossEntropy' | 'squared';
  /** 'lecun': truncated normal with variance 1/fan_in, zero biases (flax's default Dense init). 'meanField': w ~ N(0, weightStd²), a ~ N(0, 1), b = 0. */
  init: { kind: 'lecun' } | { kind: 'meanField'; weightStd: number };
  epochs: number;
  /** Minibatch size; the number of training rows for full-batch gradient descent. */
  batchSize: number;
  /** Peak learning rate. */
  lr: number;
  /** 'warmupCosine': optax.warmup_cosine_decay_schedule(1e-6, lr, warmupSteps, total steps, 0); 'constant'. */
  schedule: 'warmupCosine' | 'constant';
  warmupSteps: number;
  momentum: number;
  /** Seeds the initialisation and the data order. */
  seed: number;
}

/** Training data: `x` row-major [n, sizes[0]], `y` class labels (cross-entropy) or targets [n, out] (squared). */
export interface MlpTrainData {
  x: Float32Array;
  y: Uint8Array | Float32Array;
  n: number;
}

/** optax.warmup_cosine_decay_schedule(init 1e-6, peak, warmup, decaySteps, end 0) at `step`. */
export function warmupCosine(step: number, peak: number, warmup: number, decaySteps: number): number {
  const init = Math.min(1e-6, peak);
  if (step < warmup) return init + ((peak - init) * step) / warmup;
  const span = Math.max(1, decaySteps - warmup);
  const frac = Math.min(1, (step - warmup) / span);
  return 0.5 * peak * (1 + Math.cos(Math.PI * frac));
}

/** Initial weights of a plan (deterministic in `plan.seed`). */
export function initMlp(plan: Pick<MlpTrainPlan, 'sizes' | 'init' | 'seed'>): MlpWeights {
  const rng = createRng(plan.seed, 1);
  const kernels: Float32Array[] = [];
  const biases: Float32Array[] = [];
  const L = plan.sizes.length - 1;
  for (let l = 0; l < L; l++) {
    const fanIn = plan.sizes[l]!;
    const fanOut = plan.sizes[l + 1]!;
    const k = new Float32Array(fanIn * fanOut);
    if (plan.init.kind === 'lecun') {
      // Truncated at ±2 sd; 0.8796 restores unit variance after truncation (as jax.nn.initializers.lecun_normal).
      const sd = Math.sqrt(1 / fanIn) / 0.8796256610342398;
      for (let i = 0; i < k.length; i++) {
        let z = rng.normal();
        while (z < -2 || z > 2) z = rng.normal();
        k[i] = z * sd;
      }
    } else {
      const sd = l === L - 1 ? 1 : plan.init.weightStd;
      for (let i = 0; i < k.length; i++) k[i] = rng.normal() * sd;
    }
    kernels.push(k);
    biases.push(new Float32Array(fanOut));
  }
  return { sizes: plan.sizes.slice(), kernels, biases };
}

/** Forward pass on tensors: logits / outputs [rows, out]. Mean-field scales the last layer by 1/N. */
export function mlpForward(ks: tf.Tensor2D[], bs: (tf.Tensor1D | null)[], x: tf.Tensor2D, outScale = 1): tf.Tensor2D {
  return tf.tidy(() => {
    let h: tf.Tensor2D = x;
    for (let l = 0; l < ks.length; l++) {
      let z = tf.matMul(h, ks[l]!);
      if (l === ks.length - 1 && outScale !== 1) z = tf.mul(z, outScale);
      const b = bs[l];
      if (b) z = tf.add(z, b);
      h = (l < ks.length - 1 ? tf.relu(z) : z) as tf.Tensor2D;
    }
    return h;
  });
}

/**
 * Loss and gradients of every kernel, then every bias (in `vars` order), by explicit backpropagation. Written out
 * because tfjs's autodiff uses transposed matMuls, which the wasm backend runs 10-20x slower than a transpose followed
 * by a plain matMul (measured: 1-2 vs 15-27 GFLOP/s on 784x512 layers).
 */
function backprop(ks: tf.Tensor2D[], bs: (tf.Tensor1D | null)[], x: tf.Tensor2D, y: tf.Tensor2D, loss: MlpTrainPlan['loss'], outScale: number): { loss: tf.Scalar; grads: tf.Tensor[] } {
  const L = ks.length;
  const hs: tf.Tensor2D[] = [x];
  const zs: tf.Tensor2D[] = [];
  for (let l = 0; l < L; l++) {
    let z = tf.matMul(hs[l]!, ks[l]!);
    if (l === L - 1 && outScale !== 1) z = tf.mul(z, outScale);
    const b = bs[l];
    if (b) z = tf.add(z, b);
    zs.push(z as tf.Tensor2D);
    if (l < L - 1) hs.push(tf.relu(z) as tf.Tensor2D);
  }
  const out = zs[L - 1]!;
  const B = x.shape[0];
  let value: tf.Scalar;
  let dz: tf.Tensor2D;
  if (loss === 'softmaxCrossEntropy') {
    const logp = tf.logSoftmax(out);
    value = tf.neg(tf.div(tf.sum(tf.mul(y, logp)), B)) as tf.Scalar;
    dz = tf.div(tf.sub(tf.exp(logp), y), B);
  } else {
    const r = tf.sub(out, y);
    value = tf.div(tf.mul(0.5, tf.sum(tf.square(r))), B) as tf.Scalar;
    dz = tf.div(r, B);
  }
  const gk: tf.Tensor[] = new Array(L);
  const gb: tf.Tensor[] = [];
  for (let l = L - 1; l >= 0; l--) {
    if (bs[l]) gb.unshift(tf.sum(dz, 0));
    // The output scale multiplies the last kernel's contribution only (the bias, if any, is unscaled).
    const dzk = l === L - 1 && outScale !== 1 ? tf.mul(dz, outScale) : dz;
    gk[l] = tf.matMul(tf.transpose(hs[l]!), dzk);
    if (l > 0) dz = tf.mul(tf.matMul(dzk, tf.transpose(ks[l]!)), tf.step(zs[l - 1]!)) as tf.Tensor2D;
  }
  return { loss: value, grads: [...gk, ...gb] };
}

/**
 * Trains the plan's MLP on `data` and returns its weights. Results depend only on the plan and the data (seeded init,
 * seeded epoch shuffles, fixed op order on a given backend).
 */
export async function trainMlp(plan: MlpTrainPlan, data: MlpTrainData): Promise<MlpWeights & { finalLoss: number }> {
  const w0 = initMlp(plan);
  const L = plan.sizes.length - 1;
  const meanField = plan.parametrisation === 'meanField';
  if (meanField && L !== 2) throw new Error(`trainMlp: the mean-field parametrisation has one hidden layer, got sizes [${plan.sizes}]`);
  const outScale = meanField ? 1 / plan.sizes[1]! : 1;
  const din = plan.sizes[0]!;
  const dout = plan.sizes[L]!;
  const ks = w0.kernels.map((k, l) => tf.variable(tf.tensor2d(k, [plan.sizes[l]!, plan.sizes[l + 1]!])));
  // Mean-field nets have no output bias.
  const bs = w0.biases.map((b, l) => (meanField && l === L - 1 ? null : tf.variable(tf.tensor1d(b))));
  const vars: tf.Variable[] = [...ks, ...bs.filter((b): b is tf.Variable<tf.Rank.R1> => b !== null)];
  const vel = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const X = tf.tensor2d(data.x, [data.n, din]);
  const Y = plan.loss === 'softmaxCrossEntropy' ? tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(data.y), 'int32'), dout)) : tf.tensor2d(Float32Array.from(data.y), [data.n, dout]);
  const rng = createRng(plan.seed, 2);
  const bsz = Math.min(plan.batchSize, data.n);
  const stepsPerEpoch = Math.floor(data.n / bsz);
  const total = stepsPerEpoch * plan.epochs;
  let order: Int32Array | null = null;
  // Batch of step i: [row indices, learning rate] (minibatch) or [learning rate] (full batch), tensors so a replayed step graph sees each step's values.
  const batchAt = (i: number): tf.Tensor[] => {
    const s = i % stepsPerEpoch;
    // trainSteps asks for each batch once, in step order, so the epoch shuffles draw from rng in the same order as a plain loop.
    if (bsz !== data.n && s === 0) order = Int32Array.from(rng.shuffle(Array.from({ length: data.n }, (_, r) => r)));
    const lr = tf.scalar(plan.schedule === 'warmupCosine' ? warmupCosine(i, plan.lr, plan.warmupSteps, total) : plan.lr);
    return order ? [tf.tensor1d(order.subarray(s * bsz, (s + 1) * bsz), 'int32'), lr] : [lr];
  };
  const step = (b: tf.Tensor[]): tf.Scalar =>
    tf.tidy(() => {
      const lr = b[b.length - 1]!;
      const idx = b.length === 2 ? b[0]! : null;
      const xb = idx ? (tf.gather(X, idx) as tf.Tensor2D) : X;
      const yb = idx ? (tf.gather(Y, idx) as tf.Tensor2D) : (Y as tf.Tensor2D);
      const { loss, grads } = backprop(ks, bs, xb, yb, plan.loss, outScale);
      vars.forEach((v, i) => {
        const m = tf.add(grads[i]!, tf.mul(vel[i]!, plan.momentum));
        vel[i]!.assign(m);
        v.assign(tf.sub(v, tf.mul(m, lr)));
      });
      return loss;
    });
  let finalLoss = Number.NaN;
  try {
    // The last step's loss is always read; earlier reads only bound how far the host runs ahead of the device.
    if (total > 0) finalLoss = (await timedTrainSteps(step, batchAt, { steps: total, readEvery: READ_EVERY })).losses.at(-1)!.loss;
    const kernels = await Promise.all(ks.map(async (k) => Float32Array.from(await k.data())));
    const biases = await Promise.all(bs.map(async (b, l) => (b ? Float32Array.from(await b.data()) : new Float32Array(plan.sizes[l + 1]!))));
    return { sizes: plan.sizes.slice(), kernels, biases, finalLoss };
  } finally {
    tf.dispose([...vars, ...vel, X, Y]);
  }
}
