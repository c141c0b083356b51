/**
 * A small neural generative model in tfjs: conditional flow matching (rectified-flow path x_t = (1-t) x0 + t x1,
 * target velocity x1 - x0) with an MLP velocity field, sampled by the midpoint ODE rule. Meant for 2-D toys.
 * Standard CFM (Lipman et al. 2023; Liu et al. 2023); the paper's CIFAR model is probably OT-CFM (torchcfm) [U], notes §3.
 * Call `selectBackend()` from `@lemma/gpu-kernels` first (it registers the gradients tfjs-core needs).
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng, trainSteps, type Rng, type StepFn, type TrainStepsOptions, type TrainStepsResult } from '@lemma/gpu-kernels';
import { describeType, expectInteger, expectNumber, expectOptions, expectRng, expectSeed } from '@lemma/gpu-kernels/validate';
import type { GenerativeModel } from '../model';
import { checkSampleCount, checkSamples, type Samples } from '../samples';

/** Options of {@link flowMatchingModel}. */
export interface FlowMatchingOptions {
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
  /** Seed of the weights and of the training noise. */
  seed: number;
  /** Read the loss back every `readEvery` steps of a fit (and at its last); default 20. */
  readEvery?: number;
  /**
   * The training loop each `fit` runs its steps through (default gpu-kernels' `trainSteps`, which replays the step
   * from a step graph on webgpu): pass a wrapper to time or log the fits. `fit` is its number (0-based).
   */
  trainSteps?: (step: StepFn, batch: (i: number) => tf.Tensor[], options: TrainStepsOptions, fit: number) => Promise<TrainStepsResult>;
}

/** A flow-matching model; `dispose()` frees its tensors, `lastLoss` is the final minibatch loss of the last fit. */
export interface FlowMatchingModel extends GenerativeModel {
  readonly lastLoss: number;
  fit(samples: Samples): Promise<void>;
  sample(n: number, rng: Rng): Promise<Samples>;
  dispose(): void;
}

/**
 * Creates a flow-matching MLP generative model (tfjs, float32 on the active backend).
 *
 * @example
 * await selectBackend('cpu');
 * const model = flowMatchingModel({ seed: 0, stepsPerFit: 300 });
 * await model.fit(data); const s = await model.sample(1000, createRng(1));
 */
export function flowMatchingModel(options: FlowMatchingOptions): FlowMatchingModel {
  const fn = 'flowMatchingModel';
  expectOptions(fn, 'options', options, ['dim', 'hidden', 'layers', 'stepsPerFit', 'batchSize', 'learningRate', 'sampleSteps', 'seed', 'readEvery', 'trainSteps'], { required: true, describe: describeType });
  // Caps so a typo fails here, before any variable exists, not as an out-of-memory error half-way through (leaking the layers made so far).
  const d = expectInteger(fn, 'dim', options.dim ?? 2, { min: 1, max: 4096, expected: 'an integer in [1, 4096] (a toy-data model)', describe: describeType });
  const hidden = expectInteger(fn, 'hidden', options.hidden ?? 64, { min: 1, max: 4096, expected: 'an integer in [1, 4096] (hidden × hidden weights per layer)', describe: describeType });
  const layers = expectInteger(fn, 'layers', options.layers ?? 3, { min: 1, max: 64, expected: 'an integer in [1, 64] (depth of the MLP)', describe: describeType });
  const steps = expectInteger(fn, 'stepsPerFit', options.stepsPerFit ?? 400, { min: 0, max: 1e7, expected: 'an integer in [0, 10000000] (Adam steps per fit)', describe: describeType });
  const batch = expectInteger(fn, 'batchSize', options.batchSize ?? 256, { min: 1, max: 2 ** 20, expected: 'an integer in [1, 1048576] (rows per minibatch)', describe: describeType });
  const lr = expectNumber(fn, 'learningRate', options.learningRate ?? 2e-3, { min: 0, exclusiveMin: true, describe: describeType });
  const sampleSteps = expectInteger(fn, 'sampleSteps', options.sampleSteps ?? 24, { min: 1, max: 10_000, expected: 'an integer in [1, 10000] (midpoint steps per sample call)', describe: describeType });
  const readEvery = expectInteger(fn, 'readEvery', options.readEvery ?? 20, { min: 1, max: 1e7, expected: 'an integer in [1, 10000000] (steps between loss reads)', describe: describeType });
  if (options.trainSteps !== undefined && typeof options.trainSteps !== 'function') throw new Error(`${fn}: trainSteps must be a function (step, batch, options, fit) => Promise<TrainStepsResult>, got ${typeof options.trainSteps}`);
  const train = options.trainSteps ?? trainSteps;
  let fits = 0;
  const rng: Rng = createRng(expectSeed(fn, 'seed', options.seed));
  const trainRng = rng.fork(1);

  // Input: x (d), t, sin(2πt), cos(2πt) — the Fourier time features make the field's t-dependence easy to fit.
  const sizes = [d + 3, ...Array<number>(layers).fill(hidden), d];
  const vars: tf.Variable[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const [a, b] = [sizes[l]!, sizes[l + 1]!];
    const lim = Math.sqrt(6 / (a + b)); // Glorot uniform, drawn from our seeded stream.
    const w = Float32Array.from(rng.uniformArray(a * b), (u) => (2 * u - 1) * lim);
    // tidy frees the initial-value tensors (a variable keeps its own reference to the data).
    vars.push(tf.tidy(() => tf.variable(tf.tensor2d(w, [a, b]), true, undefined, 'float32')));
    vars.push(tf.tidy(() => tf.variable(tf.zeros([b]), true)));
  }
  const optimizer = tf.train.adam(lr);
  let shift: Float64Array | null = null;
  let scale: Float64Array | null = null;
  let lastLoss = NaN;

  const velocity = (x: tf.Tensor2D, t: tf.Tensor2D): tf.Tensor2D => {
    const tt = tf.mul(t, 2 * Math.PI);
    let h: tf.Tensor2D = tf.concat([x, t, tf.sin(tt), tf.cos(tt)], 1) as tf.Tensor2D;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l] as tf.Tensor2D), vars[l + 1]!) as tf.Tensor2D;
      if (l + 2 < vars.length) h = tf.mul(h, tf.sigmoid(h)); // SiLU: smooth, so the ODE is well behaved.
    }
    return h;
  };

  return {
    dim: d,
    get lastLoss() {
      return lastLoss;
    },
    async fit(s: Samples) {
      checkSamples('flowMatchingModel.fit', 'samples', s, d);
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
      const sh = shift;
      const sc = scale;
      const x1All = Float32Array.from(s.data, (v, i) => (v - sh[i % d]!) / sc[i % d]!);
      if (steps === 0) return;
      const bsz = Math.min(batch, s.n);
      const r = await train(
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
        { steps, readEvery },
        fits++,
      );
      lastLoss = r.losses.at(-1)!.loss;
    },
    async sample(n: number, r: Rng) {
      checkSampleCount('flowMatchingModel.sample', 'n', n, d);
      expectRng('flowMatchingModel.sample', 'rng', r, { describe: describeType });
      if (!shift || !scale) throw new Error('flowMatchingModel.sample: call fit() first (the model has not seen data)');
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
