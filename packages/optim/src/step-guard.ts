/**
 * One step guard for clipping and the non-finite policy, on every backend: gpu-kernels' {@link GradScaler}
 * computes the step's gradient scale (on the host where reads are synchronous, else on the device), and this
 * applies the policy: a non-finite step is skipped with a warning ('skip') or throws ('error'), at once when the
 * scale is on the host, else when the device's skip counter is read back (a few steps later; the error is thrown
 * by the next `applyGradients`). A skipped step advances the step counter like any other, on every backend.
 * With `learningRateScale` the clip is per model and done before the guard (per-model-clip.ts); the guard then
 * only checks finiteness, and a non-finite gradient in any model skips the step for all models.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { GradScaler } from '@lemma/gpu-kernels';
import type { CommonOptions } from './config';

/** What the guard decided for a step. */
export type GuardDecision =
  | { skip: true }
  /** Apply the step with gradients multiplied by `scale`: a number (host) or a [1] device tensor (0 = skip). */
  | { skip: false; scale: number | tf.Tensor };

/** The guard of one optimizer (its device buffers live across steps). */
export class StepGuard {
  private scaler: GradScaler | null = null;
  private pendingError: Error | null = null;

  constructor(
    private readonly cls: string,
    private readonly options: CommonOptions,
  ) {}

  /** Throws the error a device read found since the last step (policy 'error'), once. */
  throwPending(): void {
    if (!this.pendingError) return;
    const e = this.pendingError;
    this.pendingError = null;
    throw e;
  }

  /**
   * The decision for step `t` over these gradients (`names[i]` names `grads[i]`); `t` may be a function of the
   * replayed step (step graphs). With `learningRateScale` the guard only checks finiteness (no global clip):
   * the optimizer has clipped each model by its own norm (`clipPerModel`, per-model-clip.ts) and passes those
   * gradients, with the unclipped ones as `sources`, which only name the culprit in the message (a model's NaN
   * spreads over all of its clipped slices, so the first non-finite clipped gradient need not be the bad one).
   */
  decide(names: string[], grads: tf.Tensor[], t: number | (() => number), sources?: tf.Tensor[]): GuardDecision {
    const scaler = (this.scaler ??= new GradScaler());
    const clipNorm = this.options.learningRateScale !== undefined ? undefined : this.options.clipNorm;
    const s = scaler.run(grads, clipNorm, t);
    if (!s.onHost) return { skip: false, scale: s.scale };
    if (s.nonFinite < 0) return { skip: false, scale: s.scale };
    let what = `for '${names[s.nonFinite]}'`;
    if (sources) {
      // Host backends only (synchronous): the first unclipped gradient holding a NaN/Inf, if any.
      const src = scaler.run(sources, undefined, t);
      what = src.onHost && src.nonFinite >= 0 ? `for '${names[src.nonFinite]}'` : '(the float32 sum of squares of a model overflows)';
    }
    const msg = `${this.cls}: non-finite gradient ${what} at step ${typeof t === 'function' ? t() : t}`;
    if ((this.options.nonFinite ?? 'skip') === 'error') throw new Error(msg);
    console.warn(`${msg}; step skipped`);
    return { skip: true };
  }

  /** After a device step: starts a read of the skip counter (at most one in flight) and applies the policy. */
  report(): void {
    const policy = this.options.nonFinite ?? 'skip';
    this.scaler?.poll(
      ({ skipped, lastStep }) => {
        const msg = `${this.cls}: non-finite gradient at step ${lastStep}${skipped > 1 ? ` (${skipped} steps skipped since the last check)` : ''}`;
        if (policy === 'error') this.pendingError = new Error(`${msg} (detected on the device; the step was not applied)`);
        else console.warn(`${msg}; step skipped`);
      },
      (e) => {
        this.pendingError = new Error(`${this.cls}: could not read the skipped-step counter: ${e.message}`);
      },
    );
  }

  /** Frees the device buffers. */
  dispose(): void {
    this.scaler?.dispose();
    this.scaler = null;
  }
}
