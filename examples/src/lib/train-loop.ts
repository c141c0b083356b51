/**
 * The one training loop of the language-model reproductions: `steps` optimizer steps of a compiled tfjs-layers
 * model on batches from `batchAt`, with an evaluation callback. A plain eager loop (trainOnBatch) today; a captured
 * step graph (gpu-kernels' training path) can replace its body without changing callers.
 */
import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  steps: number;
  /** Inputs and targets of 0-based step t (disposed by the loop). */
  batchAt(t: number): { x: tf.Tensor; y: tf.Tensor };
  /** Called after the 1-based steps where `evalEvery` divides t, and after the last. */
  evalEvery: number;
  onEval(step: number): Promise<void>;
  onStep?(step: number): void;
}

/** Runs the loop; returns the mean wall time per optimizer step in ms (evaluations excluded). */
export async function trainLoop(model: tfl.LayersModel, o: TrainLoopOptions): Promise<number> {
  let trainMs = 0;
  for (let t = 1; t <= o.steps; t++) {
    const { x, y } = o.batchAt(t - 1);
    const t0 = performance.now();
    await model.trainOnBatch(x, y);
    trainMs += performance.now() - t0;
    x.dispose();
    y.dispose();
    o.onStep?.(t);
    if (t % o.evalEvery === 0 || t === o.steps) await o.onEval(t);
  }
  return trainMs / Math.max(1, o.steps);
}
