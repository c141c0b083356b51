/**
 * The flow-matching generative model of the curated-retraining reproductions: @lemma/curated-retrain's
 * `flowMatchingModel` with its fits run through timedTrainSteps, so train-backends.sh times them and `--logdir` gets
 * one TensorBoard run per model (all its fits, one after another).
 */
import { flowMatchingModel, type FlowMatchingModel, type FlowMatchingOptions } from '@lemma/curated-retrain';
import { openTrainRun, timedTrainSteps } from '../timed-train-steps';

/** Options of {@link trainedFlowMatchingModel}: the package model's, and the name of its TensorBoard run. */
export interface FlowModelOptions extends Omit<FlowMatchingOptions, 'trainSteps'> {
  /** Name of the model's run under `--logdir`; default `flow-matching`. */
  run?: string;
}

/** The package's flow-matching model, trained through timedTrainSteps (timed, logged). */
export function trainedFlowMatchingModel(options: FlowModelOptions): FlowMatchingModel {
  const { run: name, ...rest } = options;
  const run = openTrainRun(name ?? 'flow-matching');
  let stepsDone = 0;
  return flowMatchingModel({
    ...rest,
    trainSteps: async (step, batch, o) => {
      const r = await timedTrainSteps(step, batch, { ...o, ...(run ? { run, stepOffset: stepsDone } : {}) });
      stepsDone += o.steps;
      return r;
    },
  });
}
