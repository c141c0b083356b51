/**
 * The gradient scale of an optimizer step on every backend: the global-norm clip factor min(1, c/(‖g‖ + 1e-6))
 * (1 without clipping) and whether any gradient entry is NaN/Inf. Where reads are synchronous (cpu, wasm,
 * tensorflow) it is computed on the host (wasm: a SIMD sum of squares in the backend's memory) and returned as
 * numbers; elsewhere it stays on the device as a [1] tensor that is 0 for a non-finite step, with a device
 * counter of skipped steps that {@link GradScaler.poll} reads back now and then (webgpu: two passes of our own
 * WGSL; other backends: tfjs ops).
 */
import * as tf from '@tensorflow/tfjs-core';
import { liveFloat32 } from '../_shared/cpu';
import { wasmSimdKernels } from '../wasm-simd/index';
import { expectPositive } from '../../validate/index';
import { gradClipFactor, gradClipFactorOp } from './clip-factor';
import { GradScaleWebGPU, type SkipReport } from './webgpu';

export type { SkipReport } from './webgpu';
export { gradClipFactorOp } from './clip-factor';
export { gradScaleTuning } from './webgpu';

/** A step's gradient scale: computed on the host, or kept on the device. */
export type GradScale =
  | {
      onHost: true;
      /** The clip factor (1 without clipping); meaningless when `nonFinite` >= 0. */
      scale: number;
      /** Index of the first gradient holding a NaN/Inf entry, or -1. */
      nonFinite: number;
    }
  | {
      onHost: false;
      /** [1] float32: the clip factor, or 0 when any entry is NaN/Inf (valid until the next `run`). */
      scale: tf.Tensor;
    };

const HOST_BACKENDS = new Set(['cpu', 'wasm', 'tensorflow']);

/** Σ g² in float64 of one float32 tensor on a host backend (the wasm heap read in place, by SIMD where it can). */
function hostSumSq(g: tf.Tensor): number {
  if (tf.getBackend() === 'wasm' && g.dtype === 'float32') {
    const simd = wasmSimdKernels(tf.backend());
    if (simd) return simd.sumSq(simd.ptr(g), g.size);
  }
  const v = (g.dtype === 'float32' && liveFloat32(g)) || (g.dataSync() as Float32Array);
  let s = 0;
  for (let j = 0; j < v.length; j++) s += v[j]! * v[j]!;
  return s;
}

/**
 * One optimizer's gradient scale, step after step, with its device buffers and skip counter kept across steps.
 *
 * @example
 * const scaler = new GradScaler();
 * const s = scaler.run(grads, 1.0, step);
 * if (s.onHost) { if (s.nonFinite >= 0) skip(); else update(s.scale); } else update(s.scale); // device tensor
 * scaler.poll(({ skipped, lastStep }) => console.warn(`${skipped} steps skipped`), console.error);
 */
export class GradScaler {
  private gpu: GradScaleWebGPU | null = null;
  /** tfjs-op fallback: the last scale and the counter [skipped so far, last skipped step]. */
  private opsScale: tf.Tensor | null = null;
  private opsCount: tf.Tensor | null = null;
  private seen = 0;
  private reading: Promise<void> | null = null;
  private unread = 0;
  private disposed = false;

  /** Whether the active backend computes the scale on the host (synchronous numbers). */
  static onHost(): boolean {
    return HOST_BACKENDS.has(tf.getBackend());
  }

  /**
   * The scale of 1-based step `step`; `clipNorm` undefined: no clipping. `step` may be a function, re-evaluated
   * before each replay of a captured step graph (webgpu).
   */
  run(grads: tf.Tensor[], clipNorm: number | undefined, step: number | (() => number)): GradScale {
    // Checked once here, so the host, tfjs-op and WGSL paths refuse the same clip norms.
    if (clipNorm !== undefined) expectPositive('GradScaler.run', 'clipNorm', clipNorm);
    if (GradScaler.onHost()) {
      let sumSq = 0;
      for (const [i, g] of grads.entries()) {
        const local = hostSumSq(g);
        // A NaN/Inf anywhere makes the float64 sum non-finite (squares of float32 values cannot overflow it).
        if (!Number.isFinite(local)) return { onHost: true, scale: 0, nonFinite: i };
        sumSq += local;
      }
      const scale = clipNorm !== undefined ? gradClipFactor(sumSq, clipNorm) : 1;
      return { onHost: true, scale, nonFinite: -1 };
    }
    this.unread++;
    if (tf.getBackend() === 'webgpu' && grads.every((g) => g.dtype === 'float32')) {
      this.gpu ??= new GradScaleWebGPU();
      return { onHost: false, scale: this.gpu.run(grads, clipNorm, step) };
    }
    const [scale, count] = tf.tidy(() => {
      const sumSq = tf.addN(grads.map((g) => tf.sum(tf.square(tf.cast(g, 'float32')))));
      const clip = clipNorm !== undefined ? gradClipFactorOp(sumSq, clipNorm) : tf.onesLike(sumSq);
      const ok = tf.isFinite(sumSq);
      const s = tf.reshape(tf.where(ok, clip, tf.zerosLike(clip)), [1]);
      const bad = tf.cast(tf.logicalNot(ok), 'int32');
      const prev = this.opsCount ?? tf.zeros([2], 'int32');
      const c = tf.stack([tf.add(tf.reshape(tf.slice(prev, [0], [1]), []), bad), tf.where(ok, tf.reshape(tf.slice(prev, [1], [1]), []), tf.scalar(typeof step === 'function' ? step() : step, 'int32'))]);
      return [tf.keep(s), tf.keep(c)];
    });
    this.opsScale?.dispose();
    if (!this.reading) this.opsCount?.dispose(); // a read in flight disposes the tensor it reads when it lands
    this.opsScale = scale;
    this.opsCount = count;
    return { onHost: false, scale };
  }

  /**
   * Device backends: starts a read of the skip counter unless one is in flight or nothing was recorded since the
   * last; `report` gets the steps skipped since the previous read. At most one read is ever pending; when it lands
   * and more steps were recorded meanwhile, another starts, so every skipped step is reported eventually.
   */
  poll(report: (r: SkipReport) => void, fail: (e: Error) => void): void {
    if (this.gpu) {
      this.gpu.poll(report, fail);
      return;
    }
    if (this.reading || this.unread === 0 || this.disposed || !this.opsCount) return;
    this.unread = 0;
    const count = this.opsCount;
    this.reading = count.data().then(
      (v) => {
        this.reading = null;
        if (count !== this.opsCount || this.disposed) count.dispose();
        const skipped = v[0]! - this.seen;
        this.seen = v[0]!;
        if (this.disposed) return;
        if (skipped > 0) report({ skipped, lastStep: v[1]! });
        this.poll(report, fail);
      },
      (e: Error) => {
        this.reading = null;
        fail(e);
      },
    );
  }

  /** Frees the device buffers. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.gpu?.dispose();
    this.opsScale?.dispose();
    if (!this.reading) this.opsCount?.dispose();
  }
}
