import * as tf from '@tensorflow/tfjs-core';
import { describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { OptimizerState, slotKey, STEP_KEY, type NamedTensor } from './optimizer-state';
import { adamwRule, sgdMomentumRule } from './rules';

let counter = 0;
/** A fresh name no variable is registered under (so restored state stays pending until a variable binds it). */
const fresh = (p: string): string => `ostate${counter++}_${p}`; // no trailing _<n>: that suffix means a tfjs-layers rename

/** State whose every variable uses AdamW's rule (slots m, v). */
const adamState = (): OptimizerState => new OptimizerState('Opt', () => adamwRule);

const values = async (xs: tf.Tensor[]): Promise<number[][]> => Promise.all(xs.map(async (x) => Array.from(await x.data())));

describe('slotKey', () => {
  it("is '<variable>/<slot>', and variable names may themselves contain '/'", () => {
    expect(slotKey('w', 'm')).toBe('w/m');
    expect(slotKey('dense_1/kernel', 'v')).toBe('dense_1/kernel/v');
  });
});

describeEachBackend('OptimizerState: slots, entries and restore', () => {
  it('slotsFor creates zero slots of the variable’s shape once, reuses them, and entries() names them by slotKey', async () => {
    const state = adamState();
    const v = tf.variable(tf.ones([2, 3]), true, fresh('zeros'));
    expect(state.has(v.name)).toBe(false);
    const slots = state.slotsFor(v.name, adamwRule, v);
    expect(slots.map((s) => s.shape)).toEqual([[2, 3], [2, 3]]);
    expect(slots.every((s) => !s.trainable)).toBe(true);
    expect(await values(slots)).toEqual([[0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0]]);
    expect(state.slotsFor(v.name, adamwRule, v)).toBe(slots);
    expect(state.has(v.name)).toBe(true);
    expect(state.entries().map((e) => e.name)).toEqual([slotKey(v.name, 'm'), slotKey(v.name, 'v')]);
    expect(state.entries()[0]!.tensor).toBe(slots[0]);
    v.dispose();
    state.dispose();
  });

  it("a variable name with '/' round-trips: restore splits at the last '/'", async () => {
    const name = `${fresh('scope')}/dense/kernel`;
    const m = tf.tensor1d([1, 2]);
    const s = tf.tensor1d([3, 4]);
    const state = adamState();
    await state.restore([{ name: slotKey(name, 'v'), tensor: s }, { name: slotKey(name, 'm'), tensor: m }]);
    expect(state.has(name)).toBe(true);
    const e = state.entries();
    expect(e.map((x) => x.name)).toEqual([`${name}/m`, `${name}/v`]); // the rule's slot order, not the input order
    expect(await values(e.map((x) => x.tensor))).toEqual([[1, 2], [3, 4]]);
    tf.dispose([m, s]);
    state.dispose();
  });

  it('restore copies: the restored slots survive disposing the inputs and keep −0 bit for bit', async () => {
    const name = fresh('copy');
    const x = tf.tensor1d([-0, 1.5, -2]);
    const state = new OptimizerState('Opt', () => sgdMomentumRule);
    await state.restore([{ name: slotKey(name, 'buf'), tensor: x }]);
    x.dispose();
    const got = await state.entries()[0]!.tensor.data();
    expect(Object.is(got[0], -0)).toBe(true);
    expect(Array.from(got)).toEqual([-0, 1.5, -2]);
    state.dispose();
  });

  it('restored state binds to its variable by exact name, or by the name up to a trailing _<n> (reloaded tfjs-layers)', async () => {
    const base = fresh('dense/kernel');
    const z = tf.tensor2d([[1, 2], [3, 4]]);
    const state = adamState();
    await state.restore([{ name: slotKey(base, 'm'), tensor: z }, { name: slotKey(base, 'v'), tensor: z }]);
    const renamed = tf.variable(tf.zeros([2, 2]), true, `${base}_1`);
    const slots = state.slotsFor(renamed.name, adamwRule, renamed);
    expect(await values(slots)).toEqual([[1, 2, 3, 4], [1, 2, 3, 4]]);
    // Bound once: the pending entry is gone, the state now lives under the variable's own name.
    expect(state.has(base)).toBe(false);
    expect(state.entries().map((e) => e.name)).toEqual([`${base}_1/m`, `${base}_1/v`]);
    tf.dispose([z, renamed]);
    state.dispose();
  });

  it('entries() lists live state first, then restored state not yet bound', async () => {
    const state = adamState();
    const pending = fresh('pending');
    const z = tf.zeros([2]);
    await state.restore([{ name: `${pending}/m`, tensor: z }, { name: `${pending}/v`, tensor: z }]);
    const v = tf.variable(tf.zeros([3]), true, fresh('live'));
    state.slotsFor(v.name, adamwRule, v);
    expect(state.entries().map((e) => e.name)).toEqual([`${v.name}/m`, `${v.name}/v`, `${pending}/m`, `${pending}/v`]);
    tf.dispose([z, v]);
    state.dispose();
  });

  it('ambiguous renamed state, a slot-count mismatch and a pending shape mismatch are errors naming the variable', async () => {
    const base = fresh('amb');
    const z = tf.zeros([2]);
    const state = adamState();
    await state.restore([`${base}_1`, `${base}_2`].flatMap((n) => [{ name: `${n}/m`, tensor: z }, { name: `${n}/v`, tensor: z }]));
    const v = tf.variable(tf.zeros([2]), true, `${base}_3`);
    expect(() => state.slotsFor(v.name, adamwRule, v)).toThrow(new RegExp(`^Opt: restored state for '${v.name}' is ambiguous: ${base}_1, ${base}_2`));

    const w = tf.variable(tf.zeros([2]), true, fresh('count'));
    state.slotsFor(w.name, adamwRule, w);
    expect(() => state.slotsFor(w.name, sgdMomentumRule, w)).toThrow(new RegExp(`^Opt: variable '${w.name}' has 2 state slots, rule 'sgd_momentum' needs 1`));
    tf.dispose([z, v, w]);
    state.dispose();
  });

  it('restore rejects malformed entries by message (not a tensor, no slot part, twice, missing, int32, mixed shapes)', async () => {
    const state = adamState();
    const n = fresh('bad');
    const f = tf.zeros([2]);
    const f3 = tf.zeros([3]);
    const i32 = tf.zeros([2], 'int32');
    const dead = tf.zeros([2]);
    dead.dispose();
    const cases: [NamedTensor[], RegExp][] = [
      [[{ name: `${n}/m`, tensor: [0, 0] as never }], /^Opt: setWeights: every entry must be \{ name: string, tensor: a live tf.Tensor \}, got '.*\/m'/],
      [[{ name: `${n}/m`, tensor: dead }], /every entry must be \{ name: string, tensor: a live tf.Tensor \}/],
      [[null as never], /every entry must be .*, got null/],
      [[{ name: 'novariable', tensor: f }], /^Opt: setWeights: weight name 'novariable' is not '<variable>\/<slot>'/],
      [[{ name: '/m', tensor: f }], /weight name '\/m' is not '<variable>\/<slot>'/],
      [[{ name: `${n}/m`, tensor: f }, { name: `${n}/m`, tensor: f }], new RegExp(`^Opt: setWeights: '${n}/m' is given twice`)],
      [[{ name: `${n}/m`, tensor: f }], new RegExp(`^Opt: setWeights: missing slot '${n}/v' \\(rule 'adamw' needs m, v\\)`)],
      [[{ name: `${n}/m`, tensor: f }, { name: `${n}/v`, tensor: i32 }], new RegExp(`^Opt: setWeights: '${n}/v' must be float32, got int32`)],
      [[{ name: `${n}/m`, tensor: f }, { name: `${n}/v`, tensor: f3 }], new RegExp(`^Opt: setWeights: '${n}/v' must have shape \\[2\\], got \\[3\\]$`)],
    ];
    for (const [weights, message] of cases) await expect(state.restore(weights)).rejects.toThrow(message);
    expect(state.entries()).toEqual([]);
    tf.dispose([f, f3, i32]);
    state.dispose();
  });

  it('a bad second variable leaves the first one’s live state untouched (validate everything, then replace)', async () => {
    const state = adamState();
    const v = tf.variable(tf.zeros([2]), true, fresh('atomic'));
    const [m] = state.slotsFor(v.name, adamwRule, v);
    m!.assign(tf.tensor1d([5, 6]));
    const good = tf.tensor1d([1, 1]);
    const nan = tf.tensor1d([Number.NaN, 0]);
    const other = fresh('other');
    await expect(
      state.restore([
        { name: `${v.name}/m`, tensor: good },
        { name: `${v.name}/v`, tensor: good },
        { name: `${other}/m`, tensor: good },
        { name: `${other}/v`, tensor: nan },
      ]),
    ).rejects.toThrow(new RegExp(`'${other}/v' must be finite, got NaN at index 0`));
    expect(await values(state.entries().map((e) => e.tensor))).toEqual([[5, 6], [0, 0]]);
    expect(state.has(other)).toBe(false);
    tf.dispose([v, good, nan]);
    state.dispose();
  });

  it('dispose frees every slot, live and pending', async () => {
    const v = tf.variable(tf.zeros([2]), true, fresh('free'));
    const z2 = tf.zeros([2]);
    const z4 = tf.zeros([4]);
    const before = tf.memory().numTensors;
    const state = adamState();
    state.slotsFor(v.name, adamwRule, v);
    const p = fresh('pend');
    // Replaces v's two live slots (the old ones are disposed) and adds two pending ones.
    await state.restore([{ name: `${v.name}/m`, tensor: z2 }, { name: `${v.name}/v`, tensor: z2 }, { name: `${p}/m`, tensor: z4 }, { name: `${p}/v`, tensor: z4 }]);
    expect(tf.memory().numTensors).toBe(before + 4);
    state.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(state.entries()).toEqual([]);
    tf.dispose([v, z2, z4]);
  });

  it('per-variable step counts: 0 on first use, advance, stepEntries as int32 <variable>/step, restored with the slots', async () => {
    const state = adamState();
    const a = tf.variable(tf.zeros([2]), true, fresh('cnt_a'));
    const b = tf.variable(tf.zeros([2]), true, fresh('cnt_b'));
    expect(state.stepOf(a.name, a.shape)).toBe(0);
    state.slotsFor(a.name, adamwRule, a);
    state.advance([a.name]);
    state.slotsFor(b.name, adamwRule, b);
    state.advance([a.name, b.name]);
    expect([state.stepOf(a.name, a.shape), state.stepOf(b.name, b.shape)]).toEqual([2, 1]);
    const steps = state.stepEntries();
    expect(steps.map((e) => [e.name, e.tensor.dtype])).toEqual([[slotKey(a.name, STEP_KEY), 'int32'], [slotKey(b.name, STEP_KEY), 'int32']]);
    expect(await values(steps.map((e) => e.tensor))).toEqual([[2], [1]]);
    expect(() => state.advance([fresh('none')])).toThrow(/internal: no state/);

    const other = adamState();
    await other.restore([...state.entries(), ...steps]);
    expect([other.stepOf(a.name, a.shape), other.stepOf(b.name, b.shape)]).toEqual([2, 1]);
    // A checkpoint without counts (an old one) gives every variable the legacy count.
    const old = adamState();
    await old.restore(state.entries(), 7);
    expect([old.stepOf(a.name, a.shape), old.stepOf(b.name, b.shape)]).toEqual([7, 7]);
    tf.dispose([a, b, ...steps.map((e) => e.tensor)]);
    for (const s of [state, other, old]) s.dispose();
  });

  it('restore rejects bad step counts by message: not one element, not an integer >= 0, without slots, given for only some', async () => {
    const state = adamState();
    const [n, k] = [fresh('badstep'), fresh('badstep2')];
    const z = tf.zeros([2]);
    const pair = (name: string): NamedTensor[] => [{ name: `${name}/m`, tensor: z }, { name: `${name}/v`, tensor: z }];
    const two = tf.tensor1d([1, 2], 'int32');
    const half = tf.scalar(1.5);
    const neg = tf.scalar(-1, 'int32');
    const one = tf.scalar(1, 'int32');
    const cases: [NamedTensor[], RegExp][] = [
      [[...pair(n), { name: `${n}/step`, tensor: two }], new RegExp(`^Opt: setWeights: '${n}/step' must be a one-element tensor, got shape \\[2\\]`)],
      [[...pair(n), { name: `${n}/step`, tensor: half }], new RegExp(`^Opt: setWeights: '${n}/step' must be an integer >= 0, got 1.5`)],
      [[...pair(n), { name: `${n}/step`, tensor: neg }], /must be an integer >= 0, got -1/],
      [[{ name: `${n}/step`, tensor: one }], new RegExp(`^Opt: setWeights: '${n}/step' is given without the variable's slots`)],
      [[...pair(n), ...pair(k), { name: `${n}/step`, tensor: one }], new RegExp(`^Opt: setWeights: missing '${k}/step' \\(the checkpoint gives the step count of other variables\\)`)],
      [[...pair(n), { name: `${n}/step`, tensor: one }, { name: `${n}/step`, tensor: one }], new RegExp(`'${n}/step' is given twice`)],
    ];
    for (const [weights, message] of cases) await expect(state.restore(weights)).rejects.toThrow(message);
    expect(state.entries()).toEqual([]);
    tf.dispose([z, two, half, neg, one]);
    state.dispose();
  });
});
