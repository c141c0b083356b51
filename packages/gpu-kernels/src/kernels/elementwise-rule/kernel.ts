import type * as tf from '@tensorflow/tfjs-core';

// The contract of applyElementwiseRule (index.ts) and its backends (webgpu.ts, cpu.ts). There is no kernel name:
// the op bypasses tfjs's registry (see index.ts), so the backends share these typed inputs and attrs directly.

/**
 * A fused elementwise optimizer update (reads g, p and the slots once, writes p and the slots once). On WebGPU
 * a step over many tensors is a few back-to-back dispatches in one compute pass (several tensors per dispatch
 * where the storage-binding limit allows), with bind groups cached across steps.
 *
 * The `wgsl` body runs once per element (or per 4 elements: the type alias `V` is `f32` or `vec4<f32>`, so
 * write type-agnostic code: `V(0.0)` to splat, scalars on the right of `*`/`+`). In scope: `var p: V`
 * (parameter, write the new value back into it), `let g: V` (gradient, already multiplied by the call's
 * `gradScale` when one is given), `var <slot>: V` for each slot, and
 * the uniform struct `s` with one `f32` field per scalar (`s.lr`). Names `p`, `g`, `s`, `i`, `n`, `V` are reserved.
 */
export interface ElementwiseRule {
  /** Unique rule name (part of the pipeline cache key); letters, digits and underscores. */
  name: string;
  /** Per-parameter state tensors, in the order `slots[i]` is passed to {@link applyElementwiseRule}. */
  slots: string[];
  /** Scalar hyperparameters (uniforms), looked up by name in the `scalars` record at each call. */
  scalars: string[];
  /**
   * Scalars computed on the host in float64 from `scalars` at each call (e.g. Adam's bias corrections, which
   * lose ~1e-4 relative precision as `1 - pow(beta, step)` in f32); appended to `s` after `scalars`.
   */
  derived?: { names: string[]; compute(scalars: Readonly<Record<string, number>>): Record<string, number> };
  /**
   * Name of a built-in WebAssembly SIMD kernel of gpu-kernels that computes exactly this update (same scalars by
   * name, same operation order, float32), used on the wasm backend in the backend's own memory: 'adamw' (scalars
   * b1, b2, stepSize, ibc2, eps, decay, gscale; slots m, v) or 'adana' (a, lr, lr3, damp, clip, eps, decay, gscale;
   * slots m, v). Without it (or without SIMD) the `cpu` loop runs on heap views.
   */
  wasmSimd?: 'adamw' | 'adana';
  /** WGSL statements updating `p` and the slots in place (see above). */
  wgsl: string;
  /**
   * The same update on CPU arrays, in place: `p` and each `slots[k]` are overwritten; `g` is read only.
   * Used on the cpu and wasm backends and as the test reference.
   */
  cpu(p: Float32Array, g: Float32Array, slots: Float32Array[], scalars: Readonly<Record<string, number>>): void;
}

/** Scalar values by name (a rule's scalars, with its derived ones once resolved). */
export type RuleScalars = Readonly<Record<string, number>>;

/** The tensors of one validated {@link applyElementwiseRule} call, as each backend's update receives them. */
export interface RuleInputs {
  /** Updated in place (webgpu, cpu) or re-assigned (wasm, tensorflow). */
  params: tf.Variable[];
  grads: tf.Tensor[];
  /** `slots[i][k]` is slot `rule.slots[k]` of `params[i]`, updated in place. */
  slots: tf.Tensor[][];
  /** A [1] float32 factor multiplying every gradient (0: skip the update). */
  gradScale?: tf.Tensor;
}

/** The resolved scalars and options of one validated {@link applyElementwiseRule} call. */
export interface RuleAttrs {
  rule: ElementwiseRule;
  /** Scalars with the derived ones, one set per slice (one set without per-slice scalars). */
  sets: readonly RuleScalars[];
  /** Whether `sets` are per-slice scalars (each parameter split into `sets.length` equal slices). */
  sliced: boolean;
  /** webgpu step graphs: the sets of the step being replayed, when scalars were given as functions. */
  replay?: () => readonly RuleScalars[];
}
