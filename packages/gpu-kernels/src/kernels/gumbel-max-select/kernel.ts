import type { TensorInfo } from '@tensorflow/tfjs-core';
import { defineKernel } from '../_shared/kernel';

/** Inputs of `LemmaGumbelMaxSelect`: scores [groups, candidates] (float32). */
export interface GumbelMaxInputs {
  scores: TensorInfo;
}

/** Attributes of `LemmaGumbelMaxSelect`: the Philox seed and stream of the Gumbel noise. */
export interface GumbelMaxAttrs {
  seed: number;
  stream: number;
}

/** `LemmaGumbelMaxSelect`: int32 [groups], the argmax over candidates of scores + Gumbel noise. */
export const GUMBEL_MAX_SELECT = defineKernel<GumbelMaxInputs, GumbelMaxAttrs>('LemmaGumbelMaxSelect');
