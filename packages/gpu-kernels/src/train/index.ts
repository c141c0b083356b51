export { isCapturing, onReplay } from './replay-hooks';
export type { ReplayContext, ReplayHook } from './replay-hooks';
export { captureStepGraph, StepGraph } from './step-graph';
export type { CapturedStep, DispatchTiming, StepFn, StepGraphStats } from './step-graph';
export { trainSteps } from './train-steps';
export type { TrainStepsEvaluate, TrainStepsOptions, TrainStepsResult } from './train-steps';
