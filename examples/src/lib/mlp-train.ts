/**
 * The single place the LMC reproductions train networks: ReLU MLPs from seeds, K of them at once (parameters with a
 * leading model axis, batched matMuls), so that on webgpu one replayed step graph trains every net of a learning-rate
 * sweep or of a width (the cell pool's grouped cells decide K; on cpu and wasm K = 1 and threads give the
 * parallelism). Plain tfjs ops on the active backend, stepped by gpu-kernels' trainSteps; SGD with heavy-ball
 * momentum in optax's convention (trace = g + μ·trace, θ -= lr·trace) and optax's warmup + cosine schedule.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { timedTrainSteps } from './timed-train-steps';
import { stackModels } from './stack-models';

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

/** Fields of a plan that may differ between the models trained together by {@link trainMlps}. */
const PER_MODEL: readonly (keyof MlpTrainPlan)[] = ['lr', 'seed'];

/**
 * Loss and gradients of K stacked models (kernels [K, in, out], biases [K, out]; x [K, B, in], y [K, B, out]) by
 * explicit backpropagation, every kernel then every bias (in `vars` order); `loss` is [K], one mean loss per model.
 * Written out because tfjs's autodiff uses transposed matMuls, which the wasm backend runs 10-20x slower than a
 * transpose followed by a plain matMul (measured: 1-2 vs 15-27 GFLOP/s on 784x512 layers).
 */
function backprop(ks: tf.Tensor3D[], bs: (tf.Tensor2D | null)[], x: tf.Tensor3D, y: tf.Tensor3D, loss: MlpTrainPlan['loss'], outScale: number): { loss: tf.Tensor1D; grads: tf.Tensor[] } {
  const L = ks.length;
  const hs: tf.Tensor3D[] = [x];
  const zs: tf.Tensor3D[] = [];
  const T = (t: tf.Tensor3D) => tf.transpose(t, [0, 2, 1]);
  for (let l = 0; l < L; l++) {
    let z = tf.matMul(hs[l]!, ks[l]!);
    if (l === L - 1 && outScale !== 1) z = tf.mul(z, outScale);
    const b = bs[l];
    if (b) z = tf.add(z, tf.expandDims(b, 1));
    zs.push(z as tf.Tensor3D);
    if (l < L - 1) hs.push(tf.relu(z) as tf.Tensor3D);
  }
  const out = zs[L - 1]!;
  const B = x.shape[1];
  let value: tf.Tensor1D;
  let dz: tf.Tensor3D;
  if (loss === 'softmaxCrossEntropy') {
    const logp = tf.logSoftmax(out);
    value = tf.neg(tf.div(tf.sum(tf.mul(y, logp), [1, 2]), B)) as tf.Tensor1D;
    dz = tf.div(tf.sub(tf.exp(logp), y), B);
  } else {
    const r = tf.sub(out, y);
    value = tf.div(tf.mul(0.5, tf.sum(tf.square(r), [1, 2])), B) as tf.Tensor1D;
    dz = tf.div(r, B);
  }
  const gk: tf.Tensor[] = new Array(L);
  const gb: tf.Tensor[] = [];
  for (let l = L - 1; l >= 0; l--) {
    if (bs[l]) gb.unshift(tf.sum(dz, 1));
    // The output scale multiplies the last kernel's contribution only (the bias, if any, is unscaled).
    const dzk = l === L - 1 && outScale !== 1 ? tf.mul(dz, outScale) : dz;
    gk[l] = tf.matMul(T(hs[l]!), dzk);
    if (l > 0) dz = tf.mul(tf.matMul(dzk, T(ks[l]!)), tf.step(zs[l - 1]!)) as tf.Tensor3D;
  }
  return { loss: value, grads: [...gk, ...gb] };
}

/**
 * Trains the plan's MLP on `data` and returns its weights. Results depend only on the plan and the data (seeded init,
 * seeded epoch shuffles, fixed op order on a given backend).
 */
export async function trainMlp(plan: MlpTrainPlan, data: MlpTrainData): Promise<MlpWeights & { finalLoss: number }> {
  return (await trainMlps([plan], data))[0]!;
}

/**
 * Trains K MLPs at once on the same data: their parameters carry a leading model axis, so one step (one replayed step
 * graph on webgpu) updates all of them, with batched matMuls. The plans must agree on everything but `lr` and
 * `seed`; model k draws its initialisation and epoch shuffles from `plans[k].seed` exactly as a lone
 * {@link trainMlp} does, and steps with its own learning rate, so the K trainings are independent (the same
 * arithmetic per model; only the floating-point tiling of the batched kernels may differ from K = 1).
 */
export async function trainMlps(plans: readonly MlpTrainPlan[], data: MlpTrainData): Promise<(MlpWeights & { finalLoss: number })[]> {
  if (plans.length === 0) throw new Error('trainMlps: plans must be non-empty');
  const plan = plans[0]!;
  for (const [k, p] of plans.entries())
    for (const key of Object.keys(plan) as (keyof MlpTrainPlan)[])
      if (!PER_MODEL.includes(key) && JSON.stringify(p[key]) !== JSON.stringify(plan[key]))
        throw new Error(`trainMlps: plans trained together may differ only in ${PER_MODEL.join(' and ')}; plans[${k}].${key} is ${JSON.stringify(p[key])}, plans[0].${key} is ${JSON.stringify(plan[key])}`);
  const K = plans.length;
  const w0 = plans.map((p) => initMlp(p));
  const L = plan.sizes.length - 1;
  const meanField = plan.parametrisation === 'meanField';
  if (meanField && L !== 2) throw new Error(`trainMlps: the mean-field parametrisation has one hidden layer, got sizes [${plan.sizes}]`);
  const outScale = meanField ? 1 / plan.sizes[1]! : 1;
  const din = plan.sizes[0]!;
  const dout = plan.sizes[L]!;
  const ks = plan.sizes.slice(0, L).map((_, l) => tf.variable(tf.tensor3d(stackModels(w0.map((w) => w.kernels[l]!)), [K, plan.sizes[l]!, plan.sizes[l + 1]!])));
  // Mean-field nets have no output bias.
  const bs = plan.sizes.slice(0, L).map((_, l) => (meanField && l === L - 1 ? null : tf.variable(tf.tensor2d(stackModels(w0.map((w) => w.biases[l]!)), [K, plan.sizes[l + 1]!]))));
  const vars: tf.Variable[] = [...ks, ...bs.filter((b): b is tf.Variable<tf.Rank.R2> => b !== null)];
  const vel = vars.map((v) => tf.variable(tf.zerosLike(v), false));
  const lastLoss = tf.variable(tf.zeros([K]), false);
  const X = tf.tensor2d(data.x, [data.n, din]);
  const Y = plan.loss === 'softmaxCrossEntropy' ? tf.tidy(() => tf.oneHot(tf.tensor1d(Int32Array.from(data.y), 'int32'), dout)) : tf.tensor2d(Float32Array.from(data.y), [data.n, dout]);
  const rngs = plans.map((p) => createRng(p.seed, 2));
  const bsz = Math.min(plan.batchSize, data.n);
  const stepsPerEpoch = Math.floor(data.n / bsz);
  const total = stepsPerEpoch * plan.epochs;
  const orders: Int32Array[] = [];
  const rows = new Int32Array(K * bsz);
  // Batch of step i: [row indices [K·B], learning rates [K]] (minibatch) or [learning rates] (full batch), tensors so a replayed step graph sees each step's values.
  const batchAt = (i: number): tf.Tensor[] => {
    const s = i % stepsPerEpoch;
    // trainSteps asks for each batch once, in step order, so the epoch shuffles draw from each rng in the same order as a plain loop.
    if (bsz !== data.n && s === 0) rngs.forEach((rng, k) => (orders[k] = Int32Array.from(rng.shuffle(Array.from({ length: data.n }, (_, r) => r)))));
    const lr = tf.tensor1d(plans.map((p) => (p.schedule === 'warmupCosine' ? warmupCosine(i, p.lr, p.warmupSteps, total) : p.lr)));
    if (orders.length === 0) return [lr];
    orders.forEach((o, k) => rows.set(o.subarray(s * bsz, (s + 1) * bsz), k * bsz));
    return [tf.tensor1d(rows, 'int32'), lr];
  };
  const step = (b: tf.Tensor[]): tf.Scalar =>
    tf.tidy(() => {
      const lr = b[b.length - 1]!;
      const idx = b.length === 2 ? b[0]! : null;
      // Full batch: one [1, n, ·] copy that the batched matMuls broadcast over the models.
      const pick = (M: tf.Tensor2D, width: number): tf.Tensor3D => (idx ? tf.reshape(tf.gather(M, idx), [K, bsz, width]) : tf.expandDims(M, 0));
      const { loss, grads } = backprop(ks, bs, pick(X, din), pick(Y as tf.Tensor2D, dout), plan.loss, outScale);
      vars.forEach((v, i) => {
        const m = tf.add(grads[i]!, tf.mul(vel[i]!, plan.momentum));
        vel[i]!.assign(m);
        v.assign(tf.sub(v, tf.mul(m, tf.reshape(lr, [K, ...Array<number>(v.rank - 1).fill(1)]))));
      });
      lastLoss.assign(loss);
      return tf.mean(loss) as tf.Scalar;
    });
  try {
    // Earlier reads only bound how far the host runs ahead of the device; each model's last loss is read after.
    if (total > 0) await timedTrainSteps(step, batchAt, { steps: total, readEvery: READ_EVERY, run: K === 1 ? `mlp-seed${plan.seed}` : `mlp-seed${plan.seed}-k${K}`, models: K });
    const finals = total > 0 ? Float32Array.from(await lastLoss.data()) : new Float32Array(K).fill(Number.NaN);
    const kv = await Promise.all(ks.map(async (k) => (await k.data()) as Float32Array));
    const bv = await Promise.all(bs.map(async (b) => (b ? ((await b.data()) as Float32Array) : null)));
    // Model k's slice of a [K, ...] read (slice copies, so each model owns its arrays).
    const part = (v: Float32Array, k: number) => v.slice((k * v.length) / K, ((k + 1) * v.length) / K);
    return plans.map((p, k) => ({
      sizes: p.sizes.slice(),
      kernels: kv.map((v) => part(v, k)),
      biases: bv.map((v, l) => (v ? part(v, k) : new Float32Array(p.sizes[l + 1]!))),
      finalLoss: finals[k]!,
    }));
  } finally {
    tf.dispose([...vars, ...vel, lastLoss, X, Y]);
  }
}
