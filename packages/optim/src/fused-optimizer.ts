/**
 * The tf.Optimizer base every optimizer here extends: parameter groups, LR schedule, global-norm clipping,
 * the NaN/Inf policy, name-keyed checkpoints, and dispatch of one {@link FusedRule} per variable.
 *
 * Dispatch: on cpu the update is one in-place typed-array loop per variable (gpu-kernels' `applyElementwiseRule`;
 * reads are synchronous there, so the NaN/Inf check and clipping happen on the host); on wasm, AdamW and ADANA run
 * a WebAssembly SIMD kernel in the backend's own memory (`wasm-simd.ts`; the gradient sum of squares too) and the
 * other rules the same loop on heap views, either way writing the parameter to a fresh buffer (XNNPACK caches packed
 * weights per buffer, so weights must not change in place); on tensorflow (tfjs-node) on copies; on webgpu two small passes compute the
 * clip factor / non-finite flag on the device and one `applyElementwiseRule` call per (rule, scalars) group
 * updates every variable in a few dispatches of one compute pass; nothing is read back in the step (a device
 * counter of skipped steps is polled asynchronously); anywhere else (webgl) tfjs ops.
 * The step counter t is 1-based and global (every variable shares it), like the optimizer's `iterations` + 1.
 */
import * as tf from '@tensorflow/tfjs-core';
import { applyElementwiseRule } from '@lemma/gpu-kernels';
import { checkCommon, decodeConfig, encodeConfig, matches, type CommonOptions } from './config';
import { GradScaleWebGPU } from './grad-scale-webgpu';
import type { FusedRule, RuleScalars } from './rules';
import { resolveSchedule } from './schedule-spec';
import { wasmSimdKernels } from './wasm-simd';
import type { Schedule } from './schedules';

/** A named tensor as tf.Optimizer's getWeights/setWeights use it (tfjs-core does not export its own from the root). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** What an optimizer knows about one variable at one step when it computes the rule's scalars. */
export interface StepContext {
  /** Variable name. */
  name: string;
  /** 1-based step. */
  t: number;
  /** Schedule factor s(t) (times the group's lrScale). */
  scheduleFactor: number;
  /** lr_t = γ*·s(t)·lrScale. */
  lr: number;
  /** Weight-decay multiplier of this variable: 0 for no-decay variables, else the group's weightDecayScale (default 1). */
  decayScale: number;
  /** Shape of the variable. */
  shape: number[];
}

/** The wasm backend's view of a tensor's bytes on its heap (valid until the heap next grows). */
interface WasmHeap {
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array;
}

/**
 * wasm: slots are updated in place on the heap (we own them); the parameter is written into a fresh tensor and
 * assigned, since XNNPACK caches packed weights per buffer and would not see an in-place change.
 */
function wasmUpdate(heap: WasmHeap, rule: FusedRule, variable: tf.Variable, grad: tf.Tensor, slots: tf.Variable[], k: RuleScalars): void {
  const simd = wasmSimdKernels(heap);
  if (simd?.has(rule.name) && slots.length === 2 && grad.dtype === 'float32') {
    // SIMD kernel in the backend's own memory: reads p, g, m, v by pointer, writes m, v in place and p' into an
    // uninitialised fresh output (no zero fill, no copy of p).
    const out = tf.engine().makeTensorFromTensorInfo(simd.makeOutput(variable.shape));
    simd.update(rule.name, simd.ptr(out), simd.ptr(variable), simd.ptr(grad), simd.ptr(slots[0]!), simd.ptr(slots[1]!), variable.size, k);
    variable.assign(out);
    out.dispose();
    return;
  }
  const out = tf.zeros(variable.shape, 'float32'); // allocate before taking views: growing the heap detaches them
  const ov = heap.typedArrayFromHeap(out);
  ov.set(heap.typedArrayFromHeap(variable));
  rule.cpu(ov, heap.typedArrayFromHeap(grad), slots.map((x) => heap.typedArrayFromHeap(x)), k);
  variable.assign(out);
  out.dispose();
}

interface Item {
  name: string;
  grad: tf.Tensor;
  variable: tf.Variable;
}

/** Name a checkpoint uses for a slot of a variable: `<variable>/<slot>`. */
export const slotKey = (variable: string, slot: string): string => `${variable}/${slot}`;

/** Base class of the fused optimizers; subclasses say which rule applies to a variable and its per-step scalars. */
export abstract class FusedOptimizer<O extends CommonOptions = CommonOptions> extends tf.Optimizer {
  /** The options this optimizer was built with (validated). */
  readonly options: O;
  private readonly schedule: Schedule;
  private readonly state = new Map<string, tf.Variable[]>();
  /** Restored state not yet bound to a live variable (names may differ by tfjs-layers' `_<n>` uniqueness suffix). */
  private readonly pending = new Map<string, tf.Variable[]>();
  private pendingError: Error | null = null;
  /** webgpu: the device-side gradient scale and skip counter, kept across steps. */
  private gradScaler: GradScaleWebGPU | null = null;

  protected constructor(cls: string, options: O) {
    super();
    checkCommon(cls, options);
    this.options = options;
    this.schedule = resolveSchedule(options.schedule);
  }

  /** The fused rule that updates variable `name` (most optimizers: one rule for all). */
  protected abstract ruleFor(name: string, shape: number[]): FusedRule;

  /** The rule's scalars at this step for this variable (without `gscale`). */
  protected abstract scalarsFor(ctx: StepContext, rule: FusedRule): RuleScalars;

  /** Whether this step must use tfjs ops: `kernel: 'ops'`, or a backend without a fused path (webgl). Muon: always. */
  protected useTensorPath(): boolean {
    return this.options.kernel === 'ops' || !['cpu', 'wasm', 'webgpu', 'tensorflow'].includes(tf.getBackend());
  }

  /** tfjs-op update of one variable; subclasses (Muon) may replace it for some variables. */
  protected tensorUpdate(rule: FusedRule, p: tf.Tensor, g: tf.Tensor, slots: tf.Tensor[], k: RuleScalars, _ctx: StepContext): tf.Tensor[] {
    return rule.tf(p, g, slots, k);
  }

  /** The LR schedule factor s(t) at 1-based step t. */
  scheduleFactor(t: number): number {
    return this.schedule(t);
  }

  private contextFor(name: string, shape: number[], t: number): StepContext {
    const o = this.options;
    const group = (o.groups ?? []).find((g) => matches(g.match, name));
    const noDecay = o.noDecay ?? 'auto';
    const excluded = noDecay === 'auto' ? shape.length <= 1 || /embed/i.test(name) : matches(noDecay, name);
    const sf = this.schedule(t) * (group?.lrScale ?? 1);
    return {
      name,
      t,
      scheduleFactor: sf,
      lr: o.learningRate * sf,
      decayScale: excluded ? 0 : (group?.weightDecayScale ?? 1),
      shape,
    };
  }

  private slotsFor(name: string, rule: FusedRule, value: tf.Variable): tf.Variable[] {
    let slots = this.state.get(name) ?? this.bindPending(name, value.shape);
    if (!slots) {
      slots = rule.slots.map(() => tf.tidy(() => tf.variable(tf.zerosLike(value), false)));
      this.state.set(name, slots);
    }
    if (slots.length !== rule.slots.length) {
      throw new Error(`${this.getClassName()}: variable '${name}' has ${slots.length} state slots, rule '${rule.name}' needs ${rule.slots.length}`);
    }
    return slots;
  }

  /**
   * Finds restored state for variable `name`: the exact name, else the one saved name equal to it up to a trailing
   * `_<n>` (a reloaded tfjs-layers model renames `dense/kernel` to `dense/kernel_1` when the name is taken).
   */
  private bindPending(name: string, shape: number[]): tf.Variable[] | undefined {
    const base = (x: string): string => x.replace(/_\d+$/, '');
    let key: string | undefined = this.pending.has(name) ? name : undefined;
    if (key === undefined) {
      const candidates = [...this.pending.keys()].filter(
        (k) => base(k) === base(name) && tf.util.arraysEqual(this.pending.get(k)![0]!.shape, shape),
      );
      if (candidates.length > 1) {
        throw new Error(`${this.getClassName()}: restored state for '${name}' is ambiguous: ${candidates.join(', ')}`);
      }
      key = candidates[0];
    }
    if (key === undefined) return undefined;
    const slots = this.pending.get(key)!;
    this.pending.delete(key);
    this.state.set(name, slots);
    return slots;
  }

  /** Applies one step of gradients (tfjs's `minimize`/`model.fit` call this). */
  applyGradients(variableGradients: tf.NamedTensorMap | NamedTensor[]): void {
    if (this.pendingError) {
      const e = this.pendingError;
      this.pendingError = null;
      throw e;
    }
    const list = Array.isArray(variableGradients)
      ? variableGradients
      : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name]! }));
    const items = list
      .filter((x) => x.tensor != null)
      .map(({ name, tensor }) => {
        const variable = tf.engine().registeredVariables[name];
        if (!variable) throw new Error(`${this.getClassName()}: no registered variable named '${name}' for this gradient`);
        return { name, grad: tensor, variable };
      });
    const t = this.iterations + 1;
    const backend = tf.getBackend();
    if (this.useTensorPath()) this.applyTensorPath(items, t);
    else if (backend === 'webgpu') this.applyWebGPUPath(items, t);
    // Not in place on wasm: XNNPACK caches packed weights by buffer, so an in-place write is never seen by matMul.
    else if (!this.applyCpuPath(items, t, backend === 'cpu')) return;
    this.incrementIterations();
  }

  /**
   * Typed-array path (reads are synchronous on these backends); returns false when the step was skipped for a
   * non-finite gradient. `live` (cpu backend): gpu-kernels' `applyElementwiseRule` updates storage in place;
   * wasm: see {@link wasmUpdate}; tensorflow: the loop runs on copies that are assigned back.
   */
  private applyCpuPath(items: Item[], t: number, live: boolean): boolean {
    const wasm = tf.getBackend() === 'wasm' ? (tf.backend() as unknown as WasmHeap) : null;
    const simd = wasm ? wasmSimdKernels(wasm) : null;
    // On wasm, read the gradients in place on the heap (no copy); views die when the heap grows, so use them now.
    const grads = items.map((x) => (wasm && x.grad.dtype === 'float32' ? wasm.typedArrayFromHeap(x.grad) : (x.grad.dataSync() as Float32Array)));
    let sumSq = 0;
    for (const [i, g] of grads.entries()) {
      let local = 0;
      // wasm with SIMD: the float64 sum of squares by a SIMD kernel in the backend's memory (order differs only).
      if (simd && items[i]!.grad.dtype === 'float32') local = simd.sumSq(simd.ptr(items[i]!.grad), g.length);
      else for (let j = 0; j < g.length; j++) local += g[j]! * g[j]!;
      sumSq += local;
      // A NaN/Inf anywhere makes the float64 sum non-finite (squares of float32 values cannot overflow it).
      if (!Number.isFinite(local)) {
        const msg = `${this.getClassName()}: non-finite gradient for '${items[i]!.name}' at step ${t}`;
        if ((this.options.nonFinite ?? 'skip') === 'error') throw new Error(msg);
        console.warn(`${msg}; step skipped`);
        return false;
      }
    }
    const gscale = this.options.clipNorm !== undefined ? Math.min(1, this.options.clipNorm / (Math.sqrt(sumSq) + 1e-6)) : 1;
    for (const [i, { name, grad, variable }] of items.entries()) {
      const rule = this.ruleFor(name, variable.shape);
      const slots = this.slotsFor(name, rule, variable);
      const k = { ...this.scalarsFor(this.contextFor(name, variable.shape, t), rule), gscale };
      if (live) {
        applyElementwiseRule(rule, [variable], [grad], [slots], k);
        continue;
      }
      if (wasm) {
        wasmUpdate(wasm, rule, variable, grad, slots, k);
        continue;
      }
      // tfjs-node: dataSync may return the tensor's own cached array, so update copies and assign them back.
      const p = (variable.dataSync() as Float32Array).slice();
      const sv = slots.map((x) => (x.dataSync() as Float32Array).slice());
      rule.cpu(p, grads[i]!, sv, k);
      tf.tidy(() => {
        variable.assign(tf.tensor(p, variable.shape, 'float32'));
        slots.forEach((x, j) => x.assign(tf.tensor(sv[j]!, x.shape, 'float32')));
      });
    }
    return true;
  }

  /** The step's gradient factor on the device: the clip factor, or 0 when any gradient is NaN/Inf. Shape [1]. */
  private deviceGradScale(items: Item[]): tf.Tensor {
    return tf.tidy(() => {
      const sumSq = tf.addN(items.map(({ grad }) => tf.sum(tf.square(grad))));
      const scale =
        this.options.clipNorm !== undefined
          ? tf.minimum(1, tf.div(this.options.clipNorm, tf.add(tf.sqrt(sumSq), 1e-6)))
          : tf.onesLike(sumSq);
      return tf.reshape(tf.where(tf.isFinite(sumSq), scale, tf.zerosLike(scale)), [1]);
    });
  }

  /** Reports a zero device flag asynchronously: a warning, or an error thrown at the next step. */
  private checkFlagLater(flag: tf.Tensor, t: number): void {
    const cls = this.getClassName();
    const policy = this.options.nonFinite ?? 'skip';
    flag.data().then(
      (v) => {
        flag.dispose();
        if (v[0] !== 0) return;
        const msg = `${cls}: non-finite gradient at step ${t}`;
        if (policy === 'error') this.pendingError = new Error(`${msg} (detected on the device; the step was not applied)`);
        else console.warn(`${msg}; step skipped`);
      },
      (e: Error) => {
        this.pendingError = new Error(`${cls}: could not read the finite-gradient flag of step ${t}: ${e.message}`);
      },
    );
  }

  /**
   * webgpu: the gradient scale (clip factor, or 0 when any gradient is NaN/Inf) stays on the device and is applied
   * by `applyElementwiseRule`'s `gradScale`; variables sharing a rule and identical scalars (typically: the
   * decayed ones and the no-decay ones) go in one call. Skipped steps are counted on the device; the counter is
   * read with at most one read in flight, so a 'skip' warning or an 'error' (thrown at the first step after the
   * read lands) may come a few steps after the bad one when steps are issued faster than a readback returns.
   */
  private applyWebGPUPath(items: Item[], t: number): void {
    const scaler = (this.gradScaler ??= new GradScaleWebGPU());
    const gradScale = scaler.run(
      items.map((x) => x.grad),
      this.options.clipNorm,
      t,
    );
    type Group = { rule: FusedRule; k: RuleScalars; vars: tf.Variable[]; grads: tf.Tensor[]; slots: tf.Variable[][] };
    const groups = new Map<FusedRule, Map<string, Group>>();
    for (const { name, grad, variable } of items) {
      const rule = this.ruleFor(name, variable.shape);
      const slots = this.slotsFor(name, rule, variable);
      // gscale is applied on the device (gradScale); the rule's own factor is 1 (an exact no-op in float32).
      const k: RuleScalars = { ...this.scalarsFor(this.contextFor(name, variable.shape, t), rule), gscale: 1 };
      const key = rule.scalars.map((x) => k[x]).join(',');
      let byScalars = groups.get(rule);
      if (!byScalars) groups.set(rule, (byScalars = new Map()));
      let group = byScalars.get(key);
      if (!group) byScalars.set(key, (group = { rule, k, vars: [], grads: [], slots: [] }));
      group.vars.push(variable);
      group.grads.push(grad);
      group.slots.push(slots);
    }
    for (const byScalars of groups.values()) {
      for (const g of byScalars.values()) applyElementwiseRule(g.rule, g.vars, g.grads, g.slots, g.k, { gradScale });
    }
    const cls = this.getClassName();
    const policy = this.options.nonFinite ?? 'skip';
    scaler.poll(
      ({ skipped, lastStep }) => {
        const msg = `${cls}: non-finite gradient at step ${lastStep}${skipped > 1 ? ` (${skipped} steps skipped since the last check)` : ''}`;
        if (policy === 'error') this.pendingError = new Error(`${msg} (detected on the device; the step was not applied)`);
        else console.warn(`${msg}; step skipped`);
      },
      (e) => {
        this.pendingError = new Error(`${cls}: could not read the skipped-step counter: ${e.message}`);
      },
    );
  }

  /** tfjs-op path: no readback; a non-finite step is masked on the device and reported asynchronously. */
  private applyTensorPath(items: Item[], t: number): void {
    const gscale = tf.keep(this.deviceGradScale(items));
    tf.tidy(() => {
      const ok = tf.greater(tf.reshape(gscale, []), 0);
      // Non-finite entries are zeroed so the masked-out update stays finite (where() would not hide a NaN in a sum).
      for (const { name, grad, variable } of items) {
        const rule = this.ruleFor(name, variable.shape);
        const slots = this.slotsFor(name, rule, variable);
        const ctx = this.contextFor(name, variable.shape, t);
        const k = { ...this.scalarsFor(ctx, rule), gscale: 1 };
        const g = tf.mul(tf.where(tf.isFinite(grad), grad, tf.zerosLike(grad)), tf.reshape(gscale, []));
        const outs = this.tensorUpdate(rule, variable, g, slots, k, ctx);
        [variable, ...slots].forEach((target, j) => {
          target.assign(tf.where(tf.broadcastTo(ok, target.shape), outs[j]!, target));
        });
      }
    });
    this.checkFlagLater(gscale, t);
  }

  /** All state, keyed by name: `iter`, then `<variable>/<slot>` for every slot of every variable. */
  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, slots] of [...this.state, ...this.pending]) {
      const rule = this.ruleFor(name, slots[0]!.shape);
      slots.forEach((s, j) => out.push({ name: slotKey(name, rule.slots[j]!), tensor: s }));
    }
    return out;
  }

  /** Restores state saved by {@link getWeights}, matching slots by variable name (order does not matter). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const iter = weightValues.find((w) => w.name === 'iter');
    if (iter) this.iterations_ = (await iter.tensor.data())[0]!;
    const byVar = new Map<string, Map<string, tf.Tensor>>();
    for (const w of weightValues) {
      if (w.name === 'iter') continue;
      const cut = w.name.lastIndexOf('/');
      if (cut < 0) throw new Error(`${this.getClassName()}: setWeights: weight name '${w.name}' is not '<variable>/<slot>'`);
      const v = w.name.slice(0, cut);
      if (!byVar.has(v)) byVar.set(v, new Map());
      byVar.get(v)!.set(w.name.slice(cut + 1), w.tensor);
    }
    for (const [name, slotMap] of byVar) {
      const shape = [...slotMap.values()][0]!.shape;
      const rule = this.ruleFor(name, shape);
      const tensors = rule.slots.map((slot) => {
        const x = slotMap.get(slot);
        if (!x) throw new Error(`${this.getClassName()}: setWeights: missing slot '${slotKey(name, slot)}' (rule '${rule.name}' needs ${rule.slots.join(', ')})`);
        return x;
      });
      // A real copy (x·1 keeps −0 and NaN bits): in-place kernels need storage no other tensor shares.
      const restored = tensors.map((x) => tf.tidy(() => tf.variable(tf.mul(x, 1), false)));
      const live = this.state.get(name);
      if (live) {
        // A variable we already track: overwrite in place.
        tf.dispose(live);
        this.state.set(name, restored);
      } else {
        const old = this.pending.get(name);
        if (old) tf.dispose(old);
        this.pending.set(name, restored);
      }
    }
  }

  /** Serializable config (see {@link encodeConfig}); a function schedule cannot be saved. */
  override getConfig(): tf.serialization.ConfigDict {
    return (encodeConfig(this.options) ?? {}) as tf.serialization.ConfigDict;
  }

  /** Rebuilds an optimizer from {@link FusedOptimizer.getConfig} (tfjs-layers calls this on model load). */
  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { customObjects: _ignored, ...rest } = config; // tfjs-layers' deserializer adds this key
    return new cls(decodeConfig(rest));
  }

  /** Disposes the optimizer's state variables. */
  override dispose(): void {
    this.gradScaler?.dispose();
    this.gradScaler = null;
    for (const slots of [...this.state.values(), ...this.pending.values()]) tf.dispose(slots);
    this.state.clear();
    this.pending.clear();
    super.dispose();
  }
}
