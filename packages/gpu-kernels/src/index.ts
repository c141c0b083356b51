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
export * from './kernels/elementwiseRule/index';
export { PHILOX_WGSL, wordToUnit23 } from './rng/gpuPhilox';
