import * as tf from '@tensorflow/tfjs-core';
import { op } from '../_shared/op';
import { webgpuInternals } from '../_shared/webgpu';
import { applyRuleHost } from './cpu';
import type { ElementwiseRule, RuleAttrs, RuleInputs, RuleScalars } from './kernel';
import { applyRuleWebGPU } from './webgpu';

export type { ElementwiseRule } from './kernel';

// Bypasses tfjs's kernel registry: the update writes variables in place or re-assigns them, which a kernel (new outputs from its inputs) cannot.

/** Backends {@link applyElementwiseRule} runs on. */
const RULE_BACKENDS = new Set(['cpu', 'wasm', 'webgpu', 'tensorflow']);

/** Whether {@link applyElementwiseRule} runs on the active backend (elsewhere, e.g. webgl, use tfjs ops). */
export function elementwiseRuleSupported(): boolean {
  return RULE_BACKENDS.has(tf.getBackend());
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED = new Set(['p', 'g', 's', 'i', 'n', 'V', 'PARAM', 'GRAD']);

function checkRule(rule: ElementwiseRule): void {
  const name = 'applyElementwiseRule';
  if (!rule || typeof rule.wgsl !== 'string' || typeof rule.cpu !== 'function') throw new Error(`${name}: rule must be an ElementwiseRule { name, slots, scalars, wgsl, cpu }`);
  if (!IDENT.test(rule.name)) throw new Error(`${name}: rule.name must be an identifier, got '${rule.name}'`);
  for (const n of [...rule.slots, ...rule.scalars, ...(rule.derived?.names ?? [])]) {
    if (!IDENT.test(n) || RESERVED.has(n) || n.startsWith('SLOT_')) throw new Error(`${name}: rule '${rule.name}' uses '${n}' as a slot or scalar name; names must be identifiers other than ${[...RESERVED].join(', ')}`);
  }
}

function backendRefCount(t: tf.Tensor): number {
  return tf.backend().refCount(t.dataId);
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
  /**
   * Per-slice scalars (K models trained together): every parameter is split into `sliceScalars.length` equal
   * contiguous slices along its flat index (its first dimension must be divisible by K), and slice k is updated
   * with `{ ...scalars, ...sliceScalars[k] }` (on webgpu: slice k = floor(i / sliceSize) in the kernel).
   */
  sliceScalars?: readonly Readonly<Record<string, number>>[] | (() => readonly Readonly<Record<string, number>>[]);
}

/**
 * Applies a fused elementwise optimizer update to many parameters: on WebGPU one dispatch per parameter, all
 * recorded back to back in one compute pass with one uniform upload per call and per-tensor bind groups cached
 * across steps (each dispatch reads g, p and the slots once and writes p and the slots once); typed-array loops
 * on cpu and wasm.
 * `scalars` (and `options.sliceScalars`) may be functions: they are called now, and on webgpu while a step graph
 * is being captured (`captureStepGraph`) they are called again before every replay and their values written into
 * this call's uniform buffer, so per-step values (a step counter, a scheduled learning rate) are not frozen.
 * `params[i]` and `slots[i][k]` (ordered as `rule.slots`) are updated in place; slots are owned by the caller
 * (create them with {@link createRuleSlots}) and must not share storage with other tensors.
 *
 * @example
 * const momentum: ElementwiseRule = { name: 'momentum', slots: ['buf'], scalars: ['lr', 'mu'],
 *   wgsl: 'buf = s.mu * buf + g; p = p - s.lr * buf;', cpu: (p, g, [buf], s) => { ... } };
 * const slots = createRuleSlots(momentum, vars);
 * applyElementwiseRule(momentum, vars, grads, slots, { lr: 1e-2, mu: 0.9 });
 * // Clipping / skipping without a readback: g ← g·scale[0], nothing changes where scale[0] is 0.
 * applyElementwiseRule(momentum, vars, grads, slots, { lr: 1e-2, mu: 0.9 }, { gradScale: scale });
 */
export function applyElementwiseRule(
  rule: ElementwiseRule,
  params: tf.Variable[],
  grads: tf.Tensor[],
  slots: tf.Tensor[][],
  scalars: Readonly<Record<string, number>> | (() => Readonly<Record<string, number>>),
  options: ElementwiseRuleOptions = {},
): void {
  const name = 'applyElementwiseRule';
  checkRule(rule);
  const gradScale = options?.gradScale;
  if (gradScale !== undefined) {
    if (!(gradScale instanceof tf.Tensor) || gradScale.isDisposed) throw new Error(`${name}: options.gradScale must be a live tensor`);
    if (gradScale.dtype !== 'float32' || gradScale.size !== 1) {
      throw new Error(`${name}: options.gradScale must be a float32 tensor of one element, got ${gradScale.dtype} [${gradScale.shape.join(', ')}]`);
    }
  }
  if (params.length !== grads.length || params.length !== slots.length) {
    throw new Error(`${name}: params, grads and slots must have the same length, got ${params.length}, ${grads.length}, ${slots.length}`);
  }
  const scalarsAt = typeof scalars === 'function' ? scalars : null;
  const sliceAt = typeof options?.sliceScalars === 'function' ? options.sliceScalars : null;
  if (scalarsAt) scalars = scalarsAt();
  const sliceScalars = sliceAt ? sliceAt() : (options?.sliceScalars as readonly Readonly<Record<string, number>>[] | undefined);
  if (sliceScalars !== undefined && (!Array.isArray(sliceScalars) || sliceScalars.length === 0)) {
    throw new Error(`${name}: options.sliceScalars must be a non-empty array of scalar records, got ${String(sliceScalars)}`);
  }
  const merge = (base: Readonly<Record<string, number>>, slices: readonly Readonly<Record<string, number>>[] | undefined): Readonly<Record<string, number>>[] =>
    slices ? slices.map((x) => ({ ...base, ...x })) : [base];
  const sets = merge(scalars as Readonly<Record<string, number>>, sliceScalars);
  for (const [j, set] of sets.entries()) {
    for (const scalar of rule.scalars) {
      const v = set[scalar];
      const where = sliceScalars ? ` (slice ${j})` : '';
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name}: scalar '${scalar}' of rule '${rule.name}'${where} must be a finite number, got ${String(v)}`);
    }
  }
  params.forEach((p, i) => {
    const g = grads[i]!;
    if (p.dtype !== 'float32' || g.dtype !== 'float32') throw new Error(`${name}: params[${i}] and grads[${i}] must be float32, got ${p.dtype} and ${g.dtype}`);
    if (!tf.util.arraysEqual(p.shape, g.shape)) throw new Error(`${name}: grads[${i}] must have shape [${p.shape.join(', ')}] (params[${i}]), got [${g.shape.join(', ')}]`);
    if (sliceScalars && (p.rank === 0 || p.shape[0]! % sliceScalars.length !== 0)) {
      throw new Error(`${name}: params[${i}] must have a first dimension divisible by ${sliceScalars.length} (sliceScalars.length), got shape [${p.shape.join(', ')}]`);
    }
    const sl = slots[i]!;
    if (sl.length !== rule.slots.length) throw new Error(`${name}: slots[${i}] must hold ${rule.slots.length} tensors (${rule.slots.join(', ')}), got ${sl.length}`);
    sl.forEach((t, k) => {
      if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, p.shape)) {
        throw new Error(`${name}: slots[${i}][${k}] ('${rule.slots[k]}') must be float32 of shape [${p.shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}]`);
      }
      if (backendRefCount(t) > 1) throw new Error(`${name}: slots[${i}][${k}] ('${rule.slots[k]}') shares its storage with another tensor; create slots with createRuleSlots`);
    });
  });
  const inputs: RuleInputs = { params, grads, slots, gradScale };
  const attrs: RuleAttrs = { rule, sets: sets.map((set) => withDerived(rule, set)), sliced: sliceScalars !== undefined };
  const backend = tf.getBackend();
  op(name, {}, () => {
    if (backend === 'webgpu') {
      const be = webgpuInternals(name);
      // Scalars given as functions are re-evaluated before each replay of a captured step graph.
      if (scalarsAt || sliceAt) {
        attrs.replay = () => merge(scalarsAt ? scalarsAt() : (scalars as RuleScalars), sliceAt ? sliceAt() : sliceScalars).map((set) => withDerived(rule, set));
      }
      // Copies (tfjs ops) first, so that every update below lands in one uninterrupted run of dispatches.
      params.forEach(makeExclusive);
      applyRuleWebGPU(be, inputs, attrs);
      return;
    }
    if (!RULE_BACKENDS.has(backend)) throw new Error(`${name}: supports the webgpu, wasm, cpu and tensorflow backends, got '${backend}'`);
    // cpu writes parameters in place (wasm and tensorflow assign fresh buffers).
    if (backend === 'cpu') params.forEach(makeExclusive);
    applyRuleHost(inputs, attrs);
  });
}

/** The rule's scalars plus its host-derived ones, each checked finite. */
function withDerived(rule: ElementwiseRule, scalars: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  if (!rule.derived) return scalars;
  const extra = rule.derived.compute(scalars);
  for (const name of rule.derived.names) {
    if (!Number.isFinite(extra[name])) throw new Error(`applyElementwiseRule: derived scalar '${name}' of rule '${rule.name}' is ${extra[name]} for the given scalars`);
  }
  return { ...scalars, ...extra };
}

/** Zero-initialised slots for every parameter: `result[i][k]` is slot `rule.slots[k]` of `params[i]`. */
export function createRuleSlots(rule: ElementwiseRule, params: tf.Tensor[]): tf.Tensor[][] {
  return params.map((p) => rule.slots.map(() => tf.zeros(p.shape, 'float32')));
}
