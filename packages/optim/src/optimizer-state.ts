/**
 * An optimizer's per-variable state: its slots and its own step count (how many steps the variable has been updated
 * in, torch's per-parameter `state['step']`), and their name-keyed checkpoints (`iter`, then `<variable>/<slot>`
 * for every slot and `<variable>/step` for the count), restored by variable name. Every restored value is validated
 * (names, slots, shapes, dtype, finiteness, the step counts) before anything is replaced, so a bad checkpoint leaves
 * the optimizer as it was. A checkpoint without `<variable>/step` entries (written before per-variable counts) gives
 * every restored variable the one global count it was trained with.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { FusedRule } from './rules';

/** A named tensor as tf.Optimizer's getWeights/setWeights use it (tfjs-core does not export its own from the root). */
export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

/** Name a checkpoint uses for a slot of a variable: `<variable>/<slot>`. */
export const slotKey = (variable: string, slot: string): string => `${variable}/${slot}`;

/** The checkpoint "slot" holding a variable's own step count, `<variable>/step` (no rule has a slot of this name). */
export const STEP_KEY = 'step';

/** The state of one variable: its slots and how many steps it has been updated in. */
interface Entry {
  slots: tf.Variable[];
  step: number;
}

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** State slots of every variable an optimizer has seen, plus restored state not yet bound to a live variable. */
export class OptimizerState {
  private readonly live = new Map<string, Entry>();
  /** Restored state not yet bound to a live variable (names may differ by tfjs-layers' `_<n>` uniqueness suffix). */
  private readonly pending = new Map<string, Entry>();

  constructor(
    private readonly cls: string,
    private readonly ruleFor: (name: string, shape: number[]) => FusedRule,
  ) {}

  /** The slots of variable `name` (restored, or zeros on first use), checked against the variable's shape. */
  slotsFor(name: string, rule: FusedRule, value: tf.Variable): tf.Variable[] {
    let slots = (this.live.get(name) ?? this.bindPending(name, value.shape))?.slots;
    if (!slots) {
      slots = rule.slots.map(() => tf.tidy(() => tf.variable(tf.zerosLike(value), false)));
      this.live.set(name, { slots, step: 0 });
    }
    if (slots.length !== rule.slots.length) {
      throw new Error(`${this.cls}: variable '${name}' has ${slots.length} state slots, rule '${rule.name}' needs ${rule.slots.length}`);
    }
    for (const [j, s] of slots.entries()) {
      if (!tf.util.arraysEqual(s.shape, value.shape)) {
        throw new Error(`${this.cls}: state slot '${slotKey(name, rule.slots[j]!)}' has shape ${shapeText(s.shape)}, variable '${name}' has ${shapeText(value.shape)}`);
      }
    }
    return slots;
  }

  /**
   * How many steps variable `name` (of `shape`) has been updated in: its live count, else that of the restored state
   * it binds to (see `slotsFor`; binding is done here, before any slot is created), else 0.
   */
  stepOf(name: string, shape: number[]): number {
    return (this.live.get(name) ?? this.bindPending(name, shape))?.step ?? 0;
  }

  /** Counts one more step for each variable of `names` (each must have slots: call `slotsFor` first). */
  advance(names: readonly string[]): void {
    for (const name of names) {
      const e = this.live.get(name);
      if (!e) throw new Error(`${this.cls}: internal: no state for '${name}' to advance`);
      e.step++;
    }
  }

  /** Whether `name` has state (live or restored under exactly this name). */
  has(name: string): boolean {
    return this.live.has(name) || this.pending.has(name);
  }

  /**
   * Finds restored state for variable `name`: the exact name, else the one saved name equal to it up to a trailing
   * `_<n>` (a reloaded tfjs-layers model renames `dense/kernel` to `dense/kernel_1` when the name is taken).
   */
  private bindPending(name: string, shape: number[]): Entry | undefined {
    const base = (x: string): string => x.replace(/_\d+$/, '');
    let key: string | undefined = this.pending.has(name) ? name : undefined;
    if (key === undefined) {
      const candidates = [...this.pending.keys()].filter((k) => base(k) === base(name) && tf.util.arraysEqual(this.pending.get(k)!.slots[0]!.shape, shape));
      if (candidates.length > 1) throw new Error(`${this.cls}: restored state for '${name}' is ambiguous: ${candidates.join(', ')}`);
      key = candidates[0];
    }
    if (key === undefined) return undefined;
    const entry = this.pending.get(key)!;
    if (!tf.util.arraysEqual(entry.slots[0]!.shape, shape)) {
      throw new Error(`${this.cls}: restored state for '${name}' has shape ${shapeText(entry.slots[0]!.shape)}, the variable has ${shapeText(shape)}`);
    }
    this.pending.delete(key);
    this.live.set(name, entry);
    return entry;
  }

  /** Every slot as a named tensor (the state's own variables), live state first. */
  entries(): NamedTensor[] {
    const out: NamedTensor[] = [];
    for (const [name, { slots }] of [...this.live, ...this.pending]) {
      const rule = this.ruleFor(name, slots[0]!.shape);
      slots.forEach((s, j) => out.push({ name: slotKey(name, rule.slots[j]!), tensor: s }));
    }
    return out;
  }

  /** Every variable's step count as `<variable>/step`, an int32 scalar (fresh tensors the caller owns), live first. */
  stepEntries(): NamedTensor[] {
    return [...this.live, ...this.pending].map(([name, { step }]) => ({ name: slotKey(name, STEP_KEY), tensor: tf.scalar(step, 'int32') }));
  }

  /**
   * Validates and restores `weights` (without `iter`): every name is `<variable>/<slot>` with a slot the variable's
   * rule has, or `<variable>/step`; every slot of a variable is given, float32, finite, of one shape, equal to the
   * registered variable's shape where one exists; every variable with live state is covered (a checkpoint that
   * leaves one out would silently keep or reset it). Step counts: a one-element integer >= 0 per variable, given
   * for every variable or for none (a checkpoint from before per-variable counts: each variable then gets
   * `legacyStep`, the global count it was trained with). Nothing changes unless everything is valid.
   */
  async restore(weights: NamedTensor[], legacyStep = 0): Promise<void> {
    const byVar = new Map<string, Map<string, tf.Tensor>>();
    const steps = new Map<string, number>();
    const stepTensors = new Map<string, tf.Tensor>();
    for (const w of weights) {
      if (!w || typeof w.name !== 'string' || !(w.tensor instanceof tf.Tensor) || w.tensor.isDisposed) {
        throw new Error(`${this.cls}: setWeights: every entry must be { name: string, tensor: a live tf.Tensor }, got ${w && typeof w === 'object' ? `'${String(w.name)}'` : String(w)}`);
      }
      const cut = w.name.lastIndexOf('/');
      if (cut <= 0) throw new Error(`${this.cls}: setWeights: weight name '${w.name}' is not '<variable>/<slot>'`);
      const v = w.name.slice(0, cut);
      const slot = w.name.slice(cut + 1);
      if (slot === STEP_KEY) {
        if (stepTensors.has(v)) throw new Error(`${this.cls}: setWeights: '${w.name}' is given twice`);
        stepTensors.set(v, w.tensor);
        continue;
      }
      if (!byVar.has(v)) byVar.set(v, new Map());
      if (byVar.get(v)!.has(slot)) throw new Error(`${this.cls}: setWeights: '${w.name}' is given twice`);
      byVar.get(v)!.set(slot, w.tensor);
    }
    const plan: [string, tf.Tensor[]][] = [];
    for (const [name, slotMap] of byVar) {
      const shape = [...slotMap.values()][0]!.shape;
      const rule = this.ruleFor(name, shape);
      for (const slot of slotMap.keys()) {
        if (!rule.slots.includes(slot)) throw new Error(`${this.cls}: setWeights: unknown slot '${slotKey(name, slot)}' (rule '${rule.name}' has ${rule.slots.join(', ')})`);
      }
      const registered = tf.engine().registeredVariables[name];
      const tensors = rule.slots.map((slot) => {
        const x = slotMap.get(slot);
        const key = slotKey(name, slot);
        if (!x) throw new Error(`${this.cls}: setWeights: missing slot '${key}' (rule '${rule.name}' needs ${rule.slots.join(', ')})`);
        if (x.dtype !== 'float32') throw new Error(`${this.cls}: setWeights: '${key}' must be float32, got ${x.dtype}`);
        const want = registered?.shape ?? shape;
        if (!tf.util.arraysEqual(x.shape, want)) {
          throw new Error(`${this.cls}: setWeights: '${key}' must have shape ${shapeText(want)}${registered ? ` (variable '${name}')` : ''}, got ${shapeText(x.shape)}`);
        }
        return x;
      });
      for (const [j, x] of tensors.entries()) {
        const values = await x.data();
        const bad = values.findIndex((u) => !Number.isFinite(u));
        if (bad >= 0) throw new Error(`${this.cls}: setWeights: '${slotKey(name, rule.slots[j]!)}' must be finite, got ${values[bad]} at index ${bad}`);
      }
      plan.push([name, tensors]);
    }
    for (const name of this.live.keys()) {
      if (!byVar.has(name)) throw new Error(`${this.cls}: setWeights: no state given for variable '${name}', which this optimizer tracks`);
    }
    // Step counts after the slots (so a bad slot is named first): one per variable, or none at all (legacy).
    for (const [v, x] of stepTensors) {
      const key = slotKey(v, STEP_KEY);
      if (!byVar.has(v)) throw new Error(`${this.cls}: setWeights: '${key}' is given without the variable's slots`);
      if (x.size !== 1) throw new Error(`${this.cls}: setWeights: '${key}' must be a one-element tensor, got shape ${shapeText(x.shape)}`);
      const n = (await x.data())[0]!;
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${this.cls}: setWeights: '${key}' must be an integer >= 0, got ${n}`);
      steps.set(v, n);
    }
    if (steps.size > 0) {
      for (const v of byVar.keys()) {
        if (!steps.has(v)) throw new Error(`${this.cls}: setWeights: missing '${slotKey(v, STEP_KEY)}' (the checkpoint gives the step count of other variables)`);
      }
    }
    for (const [name, tensors] of plan) {
      // A real copy (x·1 keeps −0 bits): in-place kernels need storage no other tensor shares.
      const restored = tensors.map((x) => tf.tidy(() => tf.variable(tf.mul(x, 1), false)));
      const target = this.live.has(name) ? this.live : this.pending;
      const old = target.get(name);
      if (old) tf.dispose(old.slots);
      target.set(name, { slots: restored, step: steps.get(name) ?? legacyStep });
    }
  }

  /** Disposes every slot. */
  dispose(): void {
    for (const { slots } of [...this.live.values(), ...this.pending.values()]) tf.dispose(slots);
    this.live.clear();
    this.pending.clear();
  }
}
