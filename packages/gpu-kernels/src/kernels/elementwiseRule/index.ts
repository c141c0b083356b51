import * as tf from '@tensorflow/tfjs-core';
import { webgpuInternals } from '../_shared/webgpu';
import { liveFloat32 } from './cpu';
import type { ElementwiseRule } from './types';
import { applyRuleWebGPU } from './webgpu';

export type { ElementwiseRule } from './types';
export { adamWRule } from './adamw';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['p', 'g', 's', 'i', 'n', 'V', 'PARAM', 'GRAD']);

function checkRule(rule: ElementwiseRule): void {
  const op = 'applyElementwiseRule';
  if (!rule || typeof rule.wgsl !== 'string' || typeof rule.cpu !== 'function') throw new Error(`${op}: rule must be an ElementwiseRule { name, slots, scalars, wgsl, cpu }`);
  if (!IDENT.test(rule.name)) throw new Error(`${op}: rule.name must be an identifier, got '${rule.name}'`);
  for (const n of [...rule.slots, ...rule.scalars, ...(rule.derived?.names ?? [])]) {
    if (!IDENT.test(n) || RESERVED.has(n) || n.startsWith('SLOT_')) throw new Error(`${op}: rule '${rule.name}' uses '${n}' as a slot or scalar name; names must be identifiers other than ${[...RESERVED].join(', ')}`);
  }
}

function backendRefCount(t: tf.Tensor): number {
  return (tf.backend() as unknown as { refCount(id: tf.DataId): number }).refCount(t.dataId);
}

/** Gives a variable a buffer of its own (tf.variable(x) and assign(x) share x's buffer; in-place writes must not leak). */
function makeExclusive(p: tf.Variable): void {
  if (backendRefCount(p) <= 1) return;
  const copy = tf.tidy(() => tf.add(p, 0));
  p.assign(copy);
  copy.dispose();
}

/** Options of {@link applyElementwiseRule}. */
export interface ElementwiseRuleOptions {
  /**
   * A float32 tensor of shape [1] on the active backend (e.g. a global-norm clip factor computed on the device):
   * every gradient is multiplied by it (in float32) before the rule runs, and where it is exactly 0 the whole
   * update is skipped (parameters and slots untouched), e.g. a step whose gradients were not finite. On webgpu it
   * is read on the device (no readback); on cpu and wasm it is read synchronously.
   */
  gradScale?: tf.Tensor;
}

/**
 * Applies a fused elementwise optimizer update to many parameters: on WebGPU one dispatch per parameter, all
 * recorded back to back in one compute pass with one uniform upload per call and per-tensor bind groups cached
 * across steps (each dispatch reads g, p and the slots once and writes p and the slots once); typed-array loops
 * on cpu and wasm.
 * `params[i]` and `slots[i][k]` (ordered as `rule.slots`) are updated in place; slots are owned by the caller
 * (create them with {@link createRuleSlots}) and must not share storage with other tensors.
 *
 * @example
 * const slots = createRuleSlots(adamWRule, vars);
 * applyElementwiseRule(adamWRule, vars, grads, slots, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step: 1 });
 * // Clipping / skipping without a readback: g ← g·scale[0], nothing changes where scale[0] is 0.
 * applyElementwiseRule(adamWRule, vars, grads, slots, scalars, { gradScale: scale });
 */
export function applyElementwiseRule(
  rule: ElementwiseRule,
  params: tf.Variable[],
  grads: tf.Tensor[],
  slots: tf.Tensor[][],
  scalars: Readonly<Record<string, number>>,
  options: ElementwiseRuleOptions = {},
): void {
  const op = 'applyElementwiseRule';
  checkRule(rule);
  const gradScale = options?.gradScale;
  if (gradScale !== undefined) {
    if (!(gradScale instanceof tf.Tensor) || gradScale.isDisposed) throw new Error(`${op}: options.gradScale must be a live tensor`);
    if (gradScale.dtype !== 'float32' || gradScale.size !== 1) {
      throw new Error(`${op}: options.gradScale must be a float32 tensor of one element, got ${gradScale.dtype} [${gradScale.shape.join(', ')}]`);
    }
  }
  if (params.length !== grads.length || params.length !== slots.length) {
    throw new Error(`${op}: params, grads and slots must have the same length, got ${params.length}, ${grads.length}, ${slots.length}`);
  }
  for (const name of rule.scalars) {
    const v = scalars[name];
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: scalar '${name}' of rule '${rule.name}' must be a finite number, got ${String(v)}`);
  }
  params.forEach((p, i) => {
    const g = grads[i]!;
    if (p.dtype !== 'float32' || g.dtype !== 'float32') throw new Error(`${op}: params[${i}] and grads[${i}] must be float32, got ${p.dtype} and ${g.dtype}`);
    if (!tf.util.arraysEqual(p.shape, g.shape)) throw new Error(`${op}: grads[${i}] must have shape [${p.shape.join(', ')}] (params[${i}]), got [${g.shape.join(', ')}]`);
    const sl = slots[i]!;
    if (sl.length !== rule.slots.length) throw new Error(`${op}: slots[${i}] must hold ${rule.slots.length} tensors (${rule.slots.join(', ')}), got ${sl.length}`);
    sl.forEach((t, k) => {
      if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, p.shape)) {
        throw new Error(`${op}: slots[${i}][${k}] ('${rule.slots[k]}') must be float32 of shape [${p.shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}]`);
      }
      if (backendRefCount(t) > 1) throw new Error(`${op}: slots[${i}][${k}] ('${rule.slots[k]}') shares its storage with another tensor; create slots with createRuleSlots`);
    });
  });
  if (rule.derived) {
    const extra = rule.derived.compute(scalars);
    for (const name of rule.derived.names) {
      if (!Number.isFinite(extra[name])) throw new Error(`${op}: derived scalar '${name}' of rule '${rule.name}' is ${extra[name]} for the given scalars`);
    }
    scalars = { ...scalars, ...extra };
  }
  const backend = tf.getBackend();
  if (backend === 'webgpu') {
    const be = webgpuInternals(op);
    // Copies (tfjs ops) first, so that every update below lands in one uninterrupted run of dispatches.
    params.forEach(makeExclusive);
    applyRuleWebGPU(be, rule, params, grads, slots, scalars, gradScale);
    return;
  }
  if (backend !== 'cpu' && backend !== 'wasm') throw new Error(`${op}: supports the webgpu, wasm and cpu backends, got '${backend}'`);
  const scale = gradScale === undefined ? 1 : (tf.backend().readSync(gradScale.dataId) as Float32Array)[0]!;
  if (scale === 0) return;
  params.forEach((p, i) => {
    const sv = slots[i]!.map((t) => liveFloat32(t)!);
    let gv = tf.backend().readSync(grads[i]!.dataId) as Float32Array;
    // A copy scaled in float32, as on the device (readSync may return the tensor's own storage).
    if (scale !== 1) gv = gv.map((x) => Math.fround(x * scale));
    if (backend === 'wasm') {
      // XNNPACK caches packed weights per buffer (fused matmul): a weight changed in place would be used stale.
      const fresh = tf.add(p, 0);
      rule.cpu(liveFloat32(fresh)!, gv, sv, scalars);
      p.assign(fresh);
      fresh.dispose();
      return;
    }
    makeExclusive(p);
    rule.cpu(liveFloat32(p)!, gv, sv, scalars);
  });
}

/** Zero-initialised slots for every parameter: `result[i][k]` is slot `rule.slots[k]` of `params[i]`. */
export function createRuleSlots(rule: ElementwiseRule, params: tf.Tensor[]): tf.Tensor[][] {
  return params.map((p) => rule.slots.map(() => tf.zeros(p.shape, 'float32')));
}
