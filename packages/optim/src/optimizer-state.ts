/**
 * An optimizer's per-variable state slots and their name-keyed checkpoints (`iter`, then `<variable>/<slot>`),
 * restored by variable name. Every restored value is validated (names, slots, shapes, dtype, finiteness, the step
 * count) before anything is replaced, so a bad checkpoint leaves the optimizer as it was.
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

const shapeText = (s: readonly number[]): string => `[${s.join(', ')}]`;

/** State slots of every variable an optimizer has seen, plus restored state not yet bound to a live variable. */
export class OptimizerState {
  private readonly live = new Map<string, tf.Variable[]>();
  /** Restored state not yet bound to a live variable (names may differ by tfjs-layers' `_<n>` uniqueness suffix). */
  private readonly pending = new Map<string, tf.Variable[]>();

  constructor(
    private readonly cls: string,
    private readonly ruleFor: (name: string, shape: number[]) => FusedRule,
  ) {}

  /** The slots of variable `name` (restored, or zeros on first use), checked against the variable's shape. */
  slotsFor(name: string, rule: FusedRule, value: tf.Variable): tf.Variable[] {
    let slots = this.live.get(name) ?? this.bindPending(name, value.shape);
    if (!slots) {
      slots = rule.slots.map(() => tf.tidy(() => tf.variable(tf.zerosLike(value), false)));
      this.live.set(name, slots);
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

  /** Whether `name` has state (live or restored under exactly this name). */
  has(name: string): boolean {
    return this.live.has(name) || this.pending.has(name);
  }

  /**
   * Finds restored state for variable `name`: the exact name, else the one saved name equal to it up to a trailing
   * `_<n>` (a reloaded tfjs-layers model renames `dense/kernel` to `dense/kernel_1` when the name is taken).
   */
  private bindPending(name: string, shape: number[]): tf.Variable[] | undefined {
    const base = (x: string): string => x.replace(/_\d+$/, '');
    let key: string | undefined = this.pending.has(name) ? name : undefined;
    if (key === undefined) {
      const candidates = [...this.pending.keys()].filter((k) => base(k) === base(name) && tf.util.arraysEqual(this.pending.get(k)![0]!.shape, shape));
      if (candidates.length > 1) throw new Error(`${this.cls}: restored state for '${name}' is ambiguous: ${candidates.join(', ')}`);
      key = candidates[0];
    }
    if (key === undefined) return undefined;
    const slots = this.pending.get(key)!;
    if (!tf.util.arraysEqual(slots[0]!.shape, shape)) {
      throw new Error(`${this.cls}: restored state for '${name}' has shape ${shapeText(slots[0]!.shape)}, the variable has ${shapeText(shape)}`);
    }
    this.pending.delete(key);
    this.live.set(name, slots);
    return slots;
  }

  /** Every slot as a named tensor, live state first. */
  entries(): NamedTensor[] {
    const out: NamedTensor[] = [];
    for (const [name, slots] of [...this.live, ...this.pending]) {
      const rule = this.ruleFor(name, slots[0]!.shape);
      slots.forEach((s, j) => out.push({ name: slotKey(name, rule.slots[j]!), tensor: s }));
    }
    return out;
  }

  /**
   * Validates and restores `weights` (without `iter`): every name is `<variable>/<slot>` with a slot the variable's
   * rule has; every slot of a variable is given, float32, finite, of one shape, equal to the registered variable's
   * shape where one exists; every variable with live state is covered (a checkpoint that leaves one out would
   * silently keep or reset it). Nothing changes unless everything is valid.
   */
  async restore(weights: NamedTensor[]): Promise<void> {
    const byVar = new Map<string, Map<string, tf.Tensor>>();
    for (const w of weights) {
      if (!w || typeof w.name !== 'string' || !(w.tensor instanceof tf.Tensor) || w.tensor.isDisposed) {
        throw new Error(`${this.cls}: setWeights: every entry must be { name: string, tensor: a live tf.Tensor }, got ${w && typeof w === 'object' ? `'${String(w.name)}'` : String(w)}`);
      }
      const cut = w.name.lastIndexOf('/');
      if (cut <= 0) throw new Error(`${this.cls}: setWeights: weight name '${w.name}' is not '<variable>/<slot>'`);
      const v = w.name.slice(0, cut);
      if (!byVar.has(v)) byVar.set(v, new Map());
      const slot = w.name.slice(cut + 1);
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
    for (const [name, tensors] of plan) {
      // A real copy (x·1 keeps −0 bits): in-place kernels need storage no other tensor shares.
      const restored = tensors.map((x) => tf.tidy(() => tf.variable(tf.mul(x, 1), false)));
      const target = this.live.has(name) ? this.live : this.pending;
      const old = target.get(name);
      if (old) tf.dispose(old);
      target.set(name, restored);
    }
  }

  /** Disposes every slot. */
  dispose(): void {
    for (const slots of [...this.live.values(), ...this.pending.values()]) tf.dispose(slots);
    this.live.clear();
    this.pending.clear();
  }
}
