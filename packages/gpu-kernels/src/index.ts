/**
 * @packageDocumentation
 * Backend selection and the fused kernels shared by every `@lemma` package.
 */
export * from './backend/index';
export * from './validate/index';
export * from './rng/index';
export * from './kernels/runWGSL/index';
export * from './kernels/random/index';
export * from './kernels/gumbelMaxSelect/index';
export * from './kernels/pairwise/index';
export * from './kernels/logSumExp/index';
export * from './kernels/sinkhorn/index';
export * from './kernels/sinkhornOnline/index';
export * from './kernels/elementwiseRule/index';
export { GradScaler, gradScaleTuning } from './kernels/gradScale/index';
export type { GradScale, SkipReport } from './kernels/gradScale/index';
export { wasmSimdConfig } from './kernels/wasmSimd/index';
export * from './train/index';
export { PHILOX_WGSL, wordToUnit23 } from './rng/gpuPhilox';

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
