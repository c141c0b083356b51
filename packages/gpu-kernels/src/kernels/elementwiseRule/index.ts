import * as tf from '@tensorflow/tfjs-core';
import { webgpuInternals } from '../_shared/webgpu';
import { wasmSimdKernels } from '../wasmSimd/index';
import { liveFloat32 } from './cpu';
import type { ElementwiseRule } from './types';
import { applyRuleWebGPU } from './webgpu';

export type { ElementwiseRule } from './types';

/** Backends {@link applyElementwiseRule} runs on. */
const RULE_BACKENDS = new Set(['cpu', 'wasm', 'webgpu', 'tensorflow']);

/** Whether {@link applyElementwiseRule} runs on the active backend (elsewhere, e.g. webgl, use tfjs ops). */
export function elementwiseRuleSupported(): boolean {
  return RULE_BACKENDS.has(tf.getBackend());
}

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
  const scalarsAt = typeof scalars === 'function' ? scalars : null;
  const sliceAt = typeof options?.sliceScalars === 'function' ? options.sliceScalars : null;
  if (scalarsAt) scalars = scalarsAt();
  const sliceScalars = sliceAt ? sliceAt() : (options?.sliceScalars as readonly Readonly<Record<string, number>>[] | undefined);
  if (sliceScalars !== undefined && (!Array.isArray(sliceScalars) || sliceScalars.length === 0)) {
    throw new Error(`${op}: options.sliceScalars must be a non-empty array of scalar records, got ${String(sliceScalars)}`);
  }
  const merge = (base: Readonly<Record<string, number>>, slices: readonly Readonly<Record<string, number>>[] | undefined): Readonly<Record<string, number>>[] =>
    slices ? slices.map((x) => ({ ...base, ...x })) : [base];
  const sets = merge(scalars as Readonly<Record<string, number>>, sliceScalars);
  for (const [j, set] of sets.entries()) {
    for (const name of rule.scalars) {
      const v = set[name];
      const where = sliceScalars ? ` (slice ${j})` : '';
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: scalar '${name}' of rule '${rule.name}'${where} must be a finite number, got ${String(v)}`);
    }
  }
  params.forEach((p, i) => {
    const g = grads[i]!;
    if (p.dtype !== 'float32' || g.dtype !== 'float32') throw new Error(`${op}: params[${i}] and grads[${i}] must be float32, got ${p.dtype} and ${g.dtype}`);
    if (!tf.util.arraysEqual(p.shape, g.shape)) throw new Error(`${op}: grads[${i}] must have shape [${p.shape.join(', ')}] (params[${i}]), got [${g.shape.join(', ')}]`);
    if (sliceScalars && (p.rank === 0 || p.shape[0]! % sliceScalars.length !== 0)) {
      throw new Error(`${op}: params[${i}] must have a first dimension divisible by ${sliceScalars.length} (sliceScalars.length), got shape [${p.shape.join(', ')}]`);
    }
    const sl = slots[i]!;
    if (sl.length !== rule.slots.length) throw new Error(`${op}: slots[${i}] must hold ${rule.slots.length} tensors (${rule.slots.join(', ')}), got ${sl.length}`);
    sl.forEach((t, k) => {
      if (t.dtype !== 'float32' || !tf.util.arraysEqual(t.shape, p.shape)) {
        throw new Error(`${op}: slots[${i}][${k}] ('${rule.slots[k]}') must be float32 of shape [${p.shape.join(', ')}], got ${t.dtype} [${t.shape.join(', ')}]`);
      }
      if (backendRefCount(t) > 1) throw new Error(`${op}: slots[${i}][${k}] ('${rule.slots[k]}') shares its storage with another tensor; create slots with createRuleSlots`);
    });
  });
  const full = sets.map((set) => withDerived(rule, set));
  const backend = tf.getBackend();
  if (backend === 'webgpu') {
    const be = webgpuInternals(op);
    // Copies (tfjs ops) first, so that every update below lands in one uninterrupted run of dispatches.
    params.forEach(makeExclusive);
    // Scalars given as functions are re-evaluated before each replay of a captured step graph.
    const replay =
      scalarsAt || sliceAt
        ? () => merge(scalarsAt ? scalarsAt() : (scalars as Readonly<Record<string, number>>), sliceAt ? sliceAt() : sliceScalars).map((set) => withDerived(rule, set))
        : undefined;
    applyRuleWebGPU(be, rule, params, grads, slots, full[0]!, gradScale, sliceScalars ? full : undefined, replay);
    return;
  }
  if (!RULE_BACKENDS.has(backend)) throw new Error(`${op}: supports the webgpu, wasm, cpu and tensorflow backends, got '${backend}'`);
  const scale = gradScale === undefined ? 1 : (tf.backend().readSync(gradScale.dataId) as Float32Array)[0]!;
  if (scale === 0) return;
  params.forEach((p, i) => hostUpdate(rule, p, grads[i]!, slots[i]!, full, scale));
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

/** Runs `fn(from, to, scalars)` over each slice of `n` elements (one slice without per-slice scalars). */
function eachSlice(n: number, sets: readonly Readonly<Record<string, number>>[], fn: (from: number, to: number, k: Readonly<Record<string, number>>) => void): void {
  const len = n / sets.length;
  sets.forEach((k, j) => fn(j * len, (j + 1) * len, k));
}

/**
 * cpu / wasm / tensorflow: in-place typed-array loops. wasm: the parameter is written to a fresh buffer (XNNPACK
 * caches packed weights per buffer, so an in-place change would be used stale by a fused matmul), by the rule's
 * SIMD kernel in the backend's memory where it has one; tensorflow (tfjs-node): on copies assigned back.
 */
function hostUpdate(rule: ElementwiseRule, p: tf.Variable, g: tf.Tensor, slots: tf.Tensor[], sets: readonly Readonly<Record<string, number>>[], scale: number): void {
  const backend = tf.getBackend();
  if (backend === 'wasm') {
    const simd = rule.wasmSimd && scale === 1 && slots.length === 2 ? wasmSimdKernels(tf.backend()) : null;
    if (simd) {
      // Reads p, g, m, v by pointer, writes m, v in place and p' into an uninitialised fresh output (no zero fill).
      const out = tf.engine().makeTensorFromTensorInfo(simd.makeOutput(p.shape));
      const [o, pp, gp, mp, vp] = [out, p, g, slots[0]!, slots[1]!].map((t) => simd.ptr(t)) as number[];
      eachSlice(p.size, sets, (a, b, k) => simd.update(rule.wasmSimd!, o! + 4 * a, pp! + 4 * a, gp! + 4 * a, mp! + 4 * a, vp! + 4 * a, b - a, k));
      p.assign(out);
      out.dispose();
      return;
    }
    const fresh = tf.add(p, 0); // allocate before taking views: growing the heap detaches them
    let gv = liveFloat32(g)!;
    if (scale !== 1) gv = gv.map((x) => Math.fround(x * scale));
    const pv = liveFloat32(fresh)!;
    const sv = slots.map((t) => liveFloat32(t)!);
    eachSlice(p.size, sets, (a, b, k) => rule.cpu(pv.subarray(a, b), gv.subarray(a, b), sv.map((x) => x.subarray(a, b)), k));
    p.assign(fresh);
    fresh.dispose();
    return;
  }
  let gv = tf.backend().readSync(g.dataId) as Float32Array;
  // A copy scaled in float32, as on the device (readSync may return the tensor's own storage).
  if (scale !== 1) gv = gv.map((x) => Math.fround(x * scale));
  if (backend === 'cpu') {
    makeExclusive(p);
    const pv = liveFloat32(p)!;
    const sv = slots.map((t) => liveFloat32(t)!);
    eachSlice(p.size, sets, (a, b, k) => rule.cpu(pv.subarray(a, b), gv.subarray(a, b), sv.map((x) => x.subarray(a, b)), k));
    return;
  }
  // tfjs-node: dataSync may return the tensor's own cached array, so update copies and assign them back.
  const pv = (p.dataSync() as Float32Array).slice();
  const sv = slots.map((x) => (x.dataSync() as Float32Array).slice());
  eachSlice(p.size, sets, (a, b, k) => rule.cpu(pv.subarray(a, b), gv.subarray(a, b), sv.map((x) => x.subarray(a, b)), k));
  tf.tidy(() => {
    p.assign(tf.tensor(pv, p.shape, 'float32'));
    slots.forEach((x, j) => {
      if (!(x instanceof tf.Variable)) throw new Error(`applyElementwiseRule: on the tensorflow backend slots must be tf.Variables (slot '${rule.slots[j]}')`);
      x.assign(tf.tensor(sv[j]!, x.shape, 'float32'));
    });
  });
}

/** Zero-initialised slots for every parameter: `result[i][k]` is slot `rule.slots[k]` of `params[i]`. */
export function createRuleSlots(rule: ElementwiseRule, params: tf.Tensor[]): tf.Tensor[][] {
  return params.map((p) => rule.slots.map(() => tf.zeros(p.shape, 'float32')));
}
