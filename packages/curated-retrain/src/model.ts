/** The small interface every generative model plugs into the retraining loop through. */
import type { Rng } from '@lemma/gpu-kernels';
import type { Samples } from './samples';

/**
 * A generative model the loop can refit on its own (curated) samples. Methods may be sync or async
 * (tfjs models read back from the device asynchronously).
 */
export interface GenerativeModel {
  /** Dimension of a sample (1 for categorical models, whose values are class indices). */
  readonly dim: number;
  /** Number of classes for categorical models (enables exact histograms in the metrics). */
  readonly numClasses?: number;
  /** Refits on `samples` (exact MLE where the family allows; neural models warm-start from their current weights). */
  fit(samples: Samples): void | Promise<void>;
  /** Draws `n` i.i.d. samples using `rng` only (never Math.random). */
  sample(n: number, rng: Rng): Samples | Promise<Samples>;
  /** Log-density (or log-mass) at each point, when the model has one. */
  logProb?(x: Samples): Float64Array | Promise<Float64Array>;
}

/** A reward on a batch of points: one finite number per point. */
export type RewardFn = (x: Samples) => Float64Array | Promise<Float64Array>;
