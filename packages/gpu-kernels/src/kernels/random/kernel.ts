import { defineKernel } from '../_shared/kernel';
import type { NoInputs } from '../_shared/kernel';

/** Which distribution a random tensor draws. */
export type RandomDistribution = 'uniform' | 'normal' | 'gumbel';

/** Attributes of `LemmaPhiloxRandom`: the output shape, the Philox seed and stream, the distribution. */
export interface RandomAttrs {
  shape: number[];
  seed: number;
  stream: number;
  dist: RandomDistribution;
}

/** `LemmaPhiloxRandom`: no inputs; a float32 tensor of `shape` drawn from the Philox stream of (seed, stream). */
export const PHILOX_RANDOM = defineKernel<NoInputs, RandomAttrs>('LemmaPhiloxRandom');
