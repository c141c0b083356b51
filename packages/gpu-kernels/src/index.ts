/**
 * @packageDocumentation
 * Backend selection and the fused kernels shared by every `@lemma` package.
 */
export {
  selectBackend,
  formatBackendReport,
  resolveBackendChoice,
  registerCoreGradients,
  BACKEND_NAMES,
  BackendUnavailableError,
  getWebGPUBackend,
  getGPUDevice,
  isGpuBackend,
  prepareWebGPU,
  releaseWebGPU,
  assertSingleTfjsCore,
  tfjsCoreProblems,
  TFJS_CORE_VERSION,
} from './backend/index';
export type { SelectBackendOptions, WasmPaths, BackendAttempt, BackendChoice, BackendName, BackendReport } from './backend/index';
// The validation checks are exported once, from the `@lemma/gpu-kernels/validate` subpath (./validate/index.ts).
export { philox4x32, keyFromSeed, uint32ToUnit, philoxWords, createRng, NormalStream } from './rng/index';
export type { PhiloxKey, Rng } from './rng/index';
export { runWGSL } from './kernels/run-wgsl/index';
export type { BindingAccess, WGSLBinding, RunWGSLOptions } from './kernels/run-wgsl/index';
export { randomUniform, randomNormal, randomGumbel } from './kernels/random/index';
export type { RandomDistribution, RandomOptions } from './kernels/random/index';
export { gumbelMaxSelect } from './kernels/gumbel-max-select/index';
export type { GumbelMaxOptions } from './kernels/gumbel-max-select/index';
export { pairwiseSqDist, innerProduct } from './kernels/pairwise/index';
export { logSumExp } from './kernels/log-sum-exp/index';
export type { LogSumExpOptions } from './kernels/log-sum-exp/index';
export {
  sinkhornHalfStep,
  sinkhornIterations,
  sinkhornMarginalError,
  sinkhornPlan,
  isSinkhornCostF16,
  packSinkhornCostF16,
} from './kernels/sinkhorn/index';
export type {
  SinkhornCostF16,
  SinkhornConvention,
  SinkhornAxis,
  SinkhornHalfStepArgs,
  SinkhornIterationsArgs,
  SinkhornMarginalErrorArgs,
} from './kernels/sinkhorn/index';
export { sinkhornOnlineHalfStep, SINKHORN_ONLINE_MAX_DIM } from './kernels/sinkhorn-online/index';
export type { SinkhornOnlineHalfStepArgs } from './kernels/sinkhorn-online/index';
export { elementwiseRuleSupported, applyElementwiseRule, createRuleSlots } from './kernels/elementwise-rule/index';
export type { ElementwiseRule, ElementwiseRuleOptions } from './kernels/elementwise-rule/index';
export { GradScaler, gradScaleTuning, gradClipFactorOp } from './kernels/grad-scale/index';
export type { GradScale, SkipReport } from './kernels/grad-scale/index';
export { wasmSimdConfig } from './kernels/wasm-simd/index';
export { isCapturing, onReplay, captureStepGraph, StepGraph, trainSteps } from './train/index';
export type {
  ReplayContext,
  ReplayHook,
  CapturedStep,
  StepFn,
  StepGraphStats,
  DispatchTiming,
  TrainStepsEvaluate,
  TrainStepsOptions,
  TrainStepsResult,
} from './train/index';
export { PHILOX_WGSL, wordToUnit23 } from './rng/gpu-philox';

// K models at once (issue #11 item 4): functional blocks whose parameters carry a leading model axis K.
export { kMlp, kMlpForward, kLinear, kLinearVariables, kMatMulBias, kActivate } from './train/k-mlp';
export type { KMlp, KMlpOptions, KLinear, KLinearVariablesOptions, KActivation } from './train/k-mlp';
export { kConv2d, kConv2dVariables, kPool2d } from './train/k-conv';
export type { KConv2dOptions, KConv2dVariablesOptions, KPool2dOptions } from './train/k-conv';
export { kTransformerBlock, kTransformerBlockVariables, kTransformerBlockVariableList, kLayerNorm } from './train/k-transformer';
export type { KTransformerBlockParams, KTransformerBlockOptions, KTransformerBlockVariablesOptions, KLayerNorm } from './train/k-transformer';
export { kCrossEntropy, kCrossEntropyPerModel, kMeanSquaredError, kMeanSquaredErrorPerModel, kAccuracy } from './train/k-loss';
export { kSliceModel } from './train/k-params';
export type { KInit } from './train/k-params';
