/**
 * The flow-matching generative model of the curated-retraining reproductions, trained through timedTrainSteps.
 *
 * The same model as @lemma/curated-retrain's `flowMatchingModel` (rectified-flow path x_t = (1-t) x0 + t x1, target
 * velocity x1 - x0, an MLP velocity field with Fourier time features and SiLU, midpoint-rule sampling, the same
 * seeded weights and noise streams), but each `fit` is one gpu-kernels `trainSteps` call: the minibatch is drawn on
 * the host in `batch(i)` and the step is plain tensor ops and a fused @lemma/optim Adam, so on webgpu it replays
 * from a step graph instead of re-recording every op, and its losses go to `--logdir`. Adam is AdamW without weight
 * decay and with tfjs' ε, i.e. the package model's `tf.train.adam` (equal up to float32 rounding).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, type Rng } from '@lemma/gpu-kernels';
import type { FlowMatchingModel, Samples } from '@lemma/curated-retrain';
import { adamw } from '@lemma/optim';
import { TFJS_ADAM_EPS } from '../learning-rate';
import { openTrainRun, timedTrainSteps } from '../timed-train-steps';

/** Options of {@link trainedFlowMatchingModel}; defaults as the package model's. */
export interface FlowModelOptions {
  /** Seed of the weights and of the training noise. */
  seed: number;
  /** Data dimension (default 2). */
  dim?: number;
  /** Width of each hidden layer (default 64). */
  hidden?: number;
  /** Number of hidden layers (default 3). */
  layers?: number;
  /** Adam steps per `fit` (default 400); refits warm-start from the current weights. */
  stepsPerFit?: number;
  /** Minibatch size (default 256). */
  batchSize?: number;
  /** Adam learning rate (default 2e-3). */
  learningRate?: number;
  /** Midpoint-rule steps when sampling (default 24). */
  sampleSteps?: number;
  /** Read the loss back every `readEvery` steps of a fit (and at its last); default 20. */
  readEvery?: number;
  /** Name of the model's TensorBoard run under `--logdir` (all its fits, one after another); default `flow-matching`. */
  run?: string;
}

const positiveInteger = (name: string, v: number): number => {
  if (!Number.isInteger(v) || v < 1) throw new Error(`trainedFlowMatchingModel: ${name} must be an integer >= 1, got ${v}`);
  return v;
};

/** Creates the model (float32 on the active backend); `dispose()` frees its tensors. */
export function trainedFlowMatchingModel(options: FlowModelOptions): FlowMatchingModel {
  const d = positiveInteger('dim', options.dim ?? 2);
  const hidden = positiveInteger('hidden', options.hidden ?? 64);
  const layers = positiveInteger('layers', options.layers ?? 3);
  const steps = options.stepsPerFit ?? 400;
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`trainedFlowMatchingModel: stepsPerFit must be an integer >= 0, got ${steps}`);
  const batch = positiveInteger('batchSize', options.batchSize ?? 256);
  const sampleSteps = positiveInteger('sampleSteps', options.sampleSteps ?? 24);
  const readEvery = positiveInteger('readEvery', options.readEvery ?? 20);
  // The package model's streams: weights from the seed's stream, training noise from its fork 1.
  const rng: Rng = createRng(options.seed);
  const trainRng = rng.fork(1);

  // Input: x (d), t, sin(2πt), cos(2πt); Glorot-uniform weights drawn from the seeded stream, zero biases.
  const sizes = [d + 3, ...Array<number>(layers).fill(hidden), d];
  const vars: tf.Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [a, b] = [sizes[l]!, sizes[l + 1]!];
    const lim = Math.sqrt(6 / (a + b));
    const w = Float32Array.from(rng.uniformArray(a * b), (u) => (2 * u - 1) * lim);
    vars.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [a, b]), true, undefined, 'float32')));
    vars.push(tf.tidy(() => tf.variable(tf.zeros([b]), true)));
  }
  const optimizer = adamw({ learningRate: options.learningRate ?? 2e-3, weightDecay: 0, eps: TFJS_ADAM_EPS });
  const run = openTrainRun(options.run ?? 'flow-matching');
  let stepsDone = 0;
  let shift: Float64Array | null = null;
  let scale: Float64Array | null = null;
  let lastLoss = NaN;

  const velocity = (x: tf.Tensor2D, t: tf.Tensor2D): tf.Tensor2D => {
    const tt = tf.mul(t, 2 * Math.PI);
    let h: tf.Tensor2D = tf.concat([x, t, tf.sin(tt), tf.cos(tt)], 1) as tf.Tensor2D;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l] as tf.Tensor2D), vars[l + 1]!) as tf.Tensor2D;
      if (l + 2 < vars.length) h = tf.mul(h, tf.sigmoid(h)); // SiLU
    }
    return h;
  };

  return {
    dim: d,
    get lastLoss() {
      return lastLoss;
    },
    async fit(s: Samples) {
      if (s.dim !== d || s.n < 1 || s.data.length !== s.n * d) throw new Error(`trainedFlowMatchingModel.fit: samples must be n >= 1 points of dimension ${d}, got n=${s.n}, dim=${s.dim}, ${s.data.length} values`);
      if (!shift || !scale) {
        // Standardise with the first fit's moments and keep them fixed, so refits see the same coordinates.
        shift = new Float64Array(d);
        scale = new Float64Array(d);
        for (let j = 0; j < d; j++) {
          let m = 0;
          for (let i = 0; i < s.n; i++) m += s.data[i * d + j]! / s.n;
          let v = 0;
          for (let i = 0; i < s.n; i++) v += (s.data[i * d + j]! - m) ** 2 / s.n;
          shift[j] = m;
          scale[j] = Math.sqrt(v) || 1;
        }
      }
      if (steps === 0) return;
      const sh = shift;
      const sc = scale;
      const x1All = Float32Array.from(s.data, (v, i) => (v - sh[i % d]!) / sc[i % d]!);
      const bsz = Math.min(batch, s.n);
      const r = await timedTrainSteps(
        ([X1, X0, T]) =>
          // Everything inside the loss function, which minimize tidies (the optimizer's own state stays outside any tidy).
          optimizer.minimize(() => {
            const xt = tf.add(tf.mul(tf.sub(1, T!), X0!), tf.mul(T!, X1!)) as tf.Tensor2D;
            return tf.mean(tf.square(tf.sub(velocity(xt, T as tf.Tensor2D), tf.sub(X1!, X0!)))) as tf.Scalar;
          }, true, vars)!,
        () => {
          // trainSteps asks for each batch once, in step order: the same draws, in the same order, as a plain loop.
          const x1 = new Float32Array(bsz * d);
          for (let b = 0; b < bsz; b++) {
            const i = trainRng.int(s.n);
            x1.set(x1All.subarray(i * d, (i + 1) * d), b * d);
          }
          const x0 = Float32Array.from(trainRng.normalArray(bsz * d));
          const tv = Float32Array.from(trainRng.uniformArray(bsz));
          return [tf.tensor2d(x1, [bsz, d]), tf.tensor2d(x0, [bsz, d]), tf.tensor2d(tv, [bsz, 1])];
        },
        { steps, readEvery, ...(run ? { run, stepOffset: stepsDone } : {}) },
      );
      stepsDone += steps;
      lastLoss = r.losses.at(-1)!.loss;
    },
    async sample(n: number, r: Rng) {
      if (!Number.isInteger(n) || n < 1) throw new Error(`trainedFlowMatchingModel.sample: n must be an integer >= 1, got ${n}`);
      if (!shift || !scale) throw new Error('trainedFlowMatchingModel.sample: call fit() first (the model has not seen data)');
      const z = Float32Array.from(r.normalArray(n * d));
      const dt = 1 / sampleSteps;
      const out = tf.tidy(() => {
        let x: tf.Tensor2D = tf.tensor2d(z, [n, d]);
        for (let k = 0; k < sampleSteps; k++) {
          // Midpoint rule: second order, two velocity evaluations per step.
          const t0 = tf.fill([n, 1], k * dt) as tf.Tensor2D;
          const tm = tf.fill([n, 1], (k + 0.5) * dt) as tf.Tensor2D;
          const xm = tf.add(x, tf.mul(velocity(x, t0), dt / 2)) as tf.Tensor2D;
          x = tf.add(x, tf.mul(velocity(xm, tm), dt)) as tf.Tensor2D;
        }
        return x;
      });
      const vals = await out.data();
      out.dispose();
      const sh = shift;
      const sc = scale;
      return { n, dim: d, data: Float64Array.from(vals, (v, i) => v * sc[i % d]! + sh[i % d]!) };
    },
    dispose() {
      for (const v of vars) v.dispose();
      optimizer.dispose();
    },
  };
}
