/**
 * @packageDocumentation
 * Backend selection and the fused kernels shared by every `@lemma` package.
 */
export * from './backend/index';
export * from './rng/index';
