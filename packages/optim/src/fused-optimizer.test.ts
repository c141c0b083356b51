import * as tf from '@tensorflow/tfjs-core';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { adamw } from './adamw';
import type { CommonOptions } from './config';
import { FusedOptimizer, slotKey, type NamedTensor, type StepContext } from './fused-optimizer';
import { sgdMomentumRule, type FusedRule, type RuleScalars } from './rules';
import { uniqueName } from './test-trajectories';


/**
 * The smallest FusedOptimizer: SGD with momentum μ 0.9 through the shared rule, recording the context of every
 * scalarsFor call, so the base class's own logic (step counter, schedule, state, validation) is tested apart
 * from any real optimizer's scalars.
 */
class Toy extends FusedOptimizer<CommonOptions> {
  static readonly className = 'Toy';
  readonly seen: StepContext[] = [];
  constructor(options: CommonOptions) {
    super('Toy', options);
  }
  protected ruleFor(): FusedRule {
    return sgdMomentumRule;
  }
  protected scalarsFor(ctx: StepContext): RuleScalars {
    this.seen.push(ctx);
    return { mu: 0.9, lr: ctx.lr, nesterov: 0, decay: 1, wd: 0 };
  }
}

/** A real copy of a state tensor (slots are updated in place, so a clone sharing storage would change with them). */
const copy = (w: NamedTensor): NamedTensor => ({ name: w.name, tensor: tf.tidy(() => tf.mul(w.tensor, 1)) });

describe('FusedOptimizer construction', () => {
  it('options must be an object; keys beyond the common ones and the class’s own are rejected by name', () => {
    expect(() => new Toy(null as never)).toThrow(/^Toy: options must be an object, got null/);
    expect(() => new Toy({ learningRate: 0.1, momentum: 0.9 } as never)).toThrow(/^Toy: unknown option 'momentum'/);
    expect(() => new Toy({ learningRate: 0 })).toThrow(/^Toy: learningRate must be a finite number > 0, got 0/);
  });

  it('scheduleFactor(t) is the resolved schedule: constant 1 by default, the given function otherwise', () => {
    const plain = new Toy({ learningRate: 0.1 });
    const scheduled = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    expect(plain.scheduleFactor(17)).toBe(1);
    expect(scheduled.scheduleFactor(4)).toBe(0.25);
    plain.dispose();
    scheduled.dispose();
  });
});

describeEachBackend('FusedOptimizer step counter, update and state', () => {
  it('t is 1-based and per variable (torch): a late variable starts at t = 1; the schedule runs on the optimizer step', () => {
    const a = tf.variable(tf.zeros([2, 2]), true, uniqueName('ta'));
    const b = tf.variable(tf.zeros([3]), true, uniqueName('tb'));
    const opt = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    expect(opt.iterations).toBe(0);
    tf.tidy(() => opt.applyGradients({ [a.name]: tf.onesLike(a) }));
    tf.tidy(() => opt.applyGradients({ [a.name]: tf.onesLike(a), [b.name]: tf.onesLike(b) }));
    tf.tidy(() => opt.applyGradients([{ name: b.name, tensor: tf.onesLike(b) }])); // the list form counts the same
    expect(opt.seen.map((c) => [c.name, c.t])).toEqual([[a.name, 1], [a.name, 2], [b.name, 1], [b.name, 2]]);
    // The LR schedule counts optimizer steps (torch's LR schedulers): b's first step has s(2) = 1/2.
    expect(opt.seen.map((c) => c.scheduleFactor)).toEqual([1, 0.5, 0.5, 1 / 3]);
    expect(opt.iterations).toBe(3);
    tf.dispose([a, b]);
    opt.dispose();
  });

  it('lr_t = learningRate·s(t) reaches the rule: momentum SGD with s(t) = 1/t against a float64 loop', async () => {
    const v = tf.variable(tf.tensor2d([[1, -2], [3, 0.5]]), true, uniqueName('sched'));
    const opt = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    const g = [0.5, -1, 2, 4];
    for (let i = 0; i < 4; i++) tf.tidy(() => opt.applyGradients({ [v.name]: tf.tensor2d(g, [2, 2]) }));
    const want = [1, -2, 3, 0.5].map((theta, j) => {
      let buf = 0;
      for (let t = 1; t <= 4; t++) {
        buf = 0.9 * buf + g[j]!;
        theta -= (0.1 / t) * buf;
      }
      return theta;
    });
    expect(opt.seen.map((c) => c.lr)).toEqual([0.1, 0.05, 0.1 / 3, 0.025]);
    // 4 steps of 3 float32 ops on O(1) values: 1e-6 relative + 1e-7 absolute.
    assertAllClose(await v.data(), want, { rtol: 1e-6, atol: 1e-7, label: 'Toy SGD' });
    v.dispose();
    opt.dispose();
  });

  it('getWeights is iter, <variable>/<slot>, <variable>/step; setWeights on a fresh optimizer resumes bit for bit at t + 1', async () => {
    const v = tf.variable(tf.tensor2d([[1, 2], [3, 4]]), true, uniqueName('resume'));
    const step = (opt: Toy, x: number[]): void => tf.tidy(() => opt.applyGradients({ [v.name]: tf.tensor2d(x, [2, 2]) }));
    const a = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    step(a, [1, -1, 2, 0.5]);
    step(a, [0.3, 0.2, -4, 1]);
    const ws = await a.getWeights();
    expect(ws.map((w) => w.name)).toEqual(['iter', slotKey(v.name, 'buf'), slotKey(v.name, 'step')]);
    expect(Array.from(await ws[0]!.tensor.data())).toEqual([2]);
    expect(Array.from(await ws[2]!.tensor.data())).toEqual([2]);
    expect(ws[2]!.tensor.dtype).toBe('int32');
    const saved = ws.map(copy);
    tf.dispose([ws[0]!.tensor, ws[2]!.tensor]);
    const theta = tf.tidy(() => tf.mul(v, 1)) as tf.Tensor2D;
    step(a, [1, 1, 1, 1]);
    const wantNext = Array.from(await v.data());

    v.assign(theta);
    const b = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    await b.setWeights(saved);
    expect(b.iterations).toBe(2);
    step(b, [1, 1, 1, 1]);
    expect(b.seen.at(-1)!.t).toBe(3);
    expect(Array.from(await v.data())).toEqual(wantNext);

    // Without the restored state (buf = 0, t = 1) the same step differs: the checkpoint is what made it equal.
    v.assign(theta);
    const fresh = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    step(fresh, [1, 1, 1, 1]);
    expect(Array.from(await v.data())).not.toEqual(wantNext);
    tf.dispose([v, theta, ...saved.map((w) => w.tensor)]);
    for (const o of [a, b, fresh]) o.dispose();
  });

  it("setWeights with only 'iter' sets the optimizer's step (the schedule's); a variable without state starts at t = 1", async () => {
    const opt = new Toy({ learningRate: 0.1, schedule: (t) => 1 / t });
    const it0 = tf.scalar(41);
    await opt.setWeights([{ name: 'iter', tensor: it0 }]);
    expect(opt.iterations).toBe(41);
    const v = tf.variable(tf.zeros([2]), true, uniqueName('iter'));
    tf.tidy(() => opt.applyGradients({ [v.name]: tf.onesLike(v) }));
    expect(opt.seen[0]!.t).toBe(1);
    expect(opt.seen[0]!.scheduleFactor).toBe(1 / 42);
    tf.dispose([it0, v]);
    opt.dispose();
  });

  it("an old checkpoint (one global 'iter', no <variable>/step) gives each restored variable the count iter", async () => {
    const v = tf.variable(tf.tensor1d([1, 2]), true, uniqueName('legacy'));
    const opt = new Toy({ learningRate: 0.1 });
    const iter = tf.scalar(7, 'int32');
    const buf = tf.tensor1d([0.5, -0.5]);
    await opt.setWeights([{ name: 'iter', tensor: iter }, { name: slotKey(v.name, 'buf'), tensor: buf }]);
    tf.tidy(() => opt.applyGradients({ [v.name]: tf.onesLike(v) }));
    expect(opt.seen.map((c) => c.t)).toEqual([8]); // as the single counter of the release that wrote it
    const ws = await opt.getWeights();
    expect(Array.from(await ws.find((w) => w.name === slotKey(v.name, 'step'))!.tensor.data())).toEqual([8]);
    tf.dispose([v, iter, buf, ws[0]!.tensor, ...ws.filter((w) => w.name.endsWith('/step')).map((w) => w.tensor)]);
    opt.dispose();
  });

  // Moved from optimizers.test.ts (unchanged).
  it('setWeights matches state by variable name, not position', async () => {
    const name = uniqueName('keyed');
    const v = tf.variable(tf.ones([4]), true, name);
    const a = adamw({ learningRate: 0.1 });
    a.applyGradients({ [name]: tf.tensor1d([1, 2, 3, 4]) });
    const weights = await a.getWeights();
    expect(weights.map((w) => w.name)).toEqual(['iter', `${name}/m`, `${name}/v`, `${name}/step`]);
    const b = adamw({ learningRate: 0.1 });
    await b.setWeights([weights[2]!, weights[3]!, weights[0]!, weights[1]!]); // shuffled
    const wb = await b.getWeights();
    expect(wb.map((w) => w.name)).toEqual(['iter', `${name}/m`, `${name}/v`, `${name}/step`]);
    expect(Array.from(await wb[1]!.tensor.data())).toEqual(Array.from(await weights[1]!.tensor.data()));
    expect(b.iterations).toBe(1);
    a.dispose();
    b.dispose();
    v.dispose();
  });
});

describeEachBackend('FusedOptimizer rejects bad arguments by message, changing nothing', () => {
  it("setWeights: not an array; 'iter' not a live one-element tensor; a bad slot leaves iter unchanged", async () => {
    const v = tf.variable(tf.ones([4]), true, uniqueName('badset'));
    const opt = new Toy({ learningRate: 0.1 });
    tf.tidy(() => opt.applyGradients({ [v.name]: tf.onesLike(v) }));
    await expect(opt.setWeights({} as never)).rejects.toThrow(/^Toy: setWeights: weightValues must be an array of named tensors, got \[object Object\]/);
    const two = tf.tensor1d([1, 2]);
    await expect(opt.setWeights([{ name: 'iter', tensor: two }])).rejects.toThrow(/^Toy: setWeights: 'iter' must be a live one-element tensor/);
    const gone = tf.scalar(3);
    gone.dispose();
    await expect(opt.setWeights([{ name: 'iter', tensor: gone }])).rejects.toThrow(/'iter' must be a live one-element tensor/);
    const it7 = tf.scalar(7);
    const bad = tf.tensor1d([0, 0, Number.POSITIVE_INFINITY, 0]);
    await expect(opt.setWeights([{ name: 'iter', tensor: it7 }, { name: slotKey(v.name, 'buf'), tensor: bad }])).rejects.toThrow(
      new RegExp(`^Toy: setWeights: '${v.name}/buf' must be finite, got Infinity at index 2`),
    );
    expect(opt.iterations).toBe(1);
    tf.dispose([v, two, it7, bad]);
    opt.dispose();
  });

  it('applyGradients: not a map, an unknown variable, two gradients for one variable, a disposed gradient', () => {
    const v = tf.variable(tf.ones([3]), true, uniqueName('badgrad'));
    const opt = new Toy({ learningRate: 0.1 });
    const g = tf.ones([3]);
    const dead = tf.ones([3]);
    dead.dispose();
    expect(() => opt.applyGradients(null as never)).toThrow(/^Toy: applyGradients: variableGradients must be a map or list of named tensors, got null/);
    expect(() => opt.applyGradients({ no_such_variable_here: g })).toThrow(/^Toy: no registered variable named 'no_such_variable_here' for this gradient/);
    expect(() => opt.applyGradients([{ name: v.name, tensor: g }, { name: v.name, tensor: g }])).toThrow(new RegExp(`^Toy: applyGradients: two gradients for variable '${v.name}'`));
    expect(() => opt.applyGradients({ [v.name]: dead })).toThrow(new RegExp(`^Toy: the gradient of '${v.name}' must be a live tf.Tensor`));
    expect(opt.iterations).toBe(0);
    expect(opt.seen).toEqual([]);
    tf.dispose([v, g]);
    opt.dispose();
  });
});
