/**
 * The one training loop of the language-model reproductions: `steps` optimizer steps of a compiled tfjs-layers
 * model on batches from `batchAt`, with an evaluation callback. Runs on gpu-kernels' `trainSteps` (loss read back
 * every `readEvery` steps, asynchronously; a replayed step graph on webgpu, kept across the evaluations).
 */
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { openTrainRun, timedTrainSteps } from './timed-train-steps';

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  steps: number;
  /** Inputs and targets of 0-based step t (disposed by the loop). */
  batchAt(t: number): { x: tf.Tensor; y: tf.Tensor };
  /** Called after the 1-based steps where `evalEvery` divides t, and after the last. */
  evalEvery: number;
  onEval(step: number): Promise<void>;
  /** Read the training loss back every `readEvery` steps (and at each evaluation); default 10. */
  readEvery?: number;
  /** Called with each training loss read back, in step order; `step` is 1-based like `onEval`'s. */
  onProgress?(p: { step: number; loss: number }): void;
  /** Name of the loop's TensorBoard run under `--logdir` (one run across the evaluation spans); default `train`. */
  run?: string;
}

/** tfjs-layers' synchronous train function: one optimizer step on [inputs..., targets...], returns [loss, ...metrics]. */
type TrainFunction = (data: tf.Tensor[]) => tf.Scalar[];

/**
 * Runs the loop; returns the mean wall time per optimizer step in ms (evaluations excluded, batch creation
 * included since trainSteps builds each batch just before its step).
 */
export async function trainLoop(model: tfl.LayersModel, o: TrainLoopOptions): Promise<number> {
  if (!Number.isInteger(o.steps) || o.steps < 1) throw new Error(`trainLoop: steps must be an integer >= 1, got ${o.steps}`);
  if (!Number.isInteger(o.evalEvery) || o.evalEvery < 1) throw new Error(`trainLoop: evalEvery must be an integer >= 1, got ${o.evalEvery}`);
  if (!model.optimizer) throw new Error('trainLoop: the model must be compiled (it has no optimizer)');
  // A Sequential trains through its inner LayersModel (as its own trainOnBatch does); both fields are `protected`/`private` in the types only.
  const inner = model instanceof tfl.Sequential ? (model as unknown as { model: tfl.LayersModel }).model : model;
  // What trainOnBatch runs after its async input checks.
  const train = (inner as unknown as { makeTrainFunction(): TrainFunction }).makeTrainFunction();
  const onProgress = o.onProgress;
  const run = openTrainRun(o.run);
  let evalMs = 0;
  const t0 = performance.now();
  // One trainSteps for the whole loop: the step graph is captured once and kept across the evaluations.
  await timedTrainSteps(
    train,
    (i) => {
      const { x, y } = o.batchAt(i);
      return [x, y];
    },
    {
      steps: o.steps,
      readEvery: o.readEvery ?? 10,
      evaluate: {
        every: o.evalEvery,
        run: async (done) => {
          const e0 = performance.now();
          await o.onEval(done);
          evalMs += performance.now() - e0;
        },
      },
      ...(run ? { run } : {}),
      ...(onProgress ? { onProgress: (p: { step: number; loss: number }) => onProgress({ step: p.step + 1, loss: p.loss }) } : {}),
    },
  );
  const trainMs = performance.now() - t0 - evalMs;
  return trainMs / o.steps;
}
