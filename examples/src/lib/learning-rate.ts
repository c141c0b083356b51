/** Learning-rate schedules of the reproductions, as @lemma/optim schedule factors (functions of the 1-based step). */
import type { Schedule } from '@lemma/optim';

/**
 * Cosine decay without warm-up from 1 at step 1 to `floor` (approached at step `totalSteps` + 1):
 * s(t) = floor + (1 − floor)·½(1 + cos(π(t − 1)/totalSteps)). The optimizer evaluates it before every step (a replayed
 * step graph included), so the learning rate lr·s(t) never passes through the host loop.
 */
export function cosineDecay(totalSteps: number, floor: number): Schedule {
  if (!Number.isInteger(totalSteps) || totalSteps < 1) throw new Error(`cosineDecay: totalSteps must be an integer >= 1, got ${totalSteps}`);
  if (!(floor >= 0 && floor <= 1)) throw new Error(`cosineDecay: floor must be in [0, 1], got ${floor}`);
  return (t) => floor + (1 - floor) * 0.5 * (1 + Math.cos((Math.PI * (t - 1)) / totalSteps));
}

/** tf.train.adam's ε on float32 backends (tfjs' `backend.epsilon()`): Adam's math as the reproductions first ran it. */
export const TFJS_ADAM_EPS = 1e-7;
