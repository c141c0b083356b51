import { describe, expect, it } from 'vitest';
import type { CommonOptions } from './config';
import { sliceContexts, stepContext } from './param-groups';

const constant = () => 1;

describe('stepContext', () => {
  it('lr = learningRate · s(t) · lrScale of the first matching group; decay scale from the group', () => {
    const o: CommonOptions = {
      learningRate: 0.1,
      groups: [
        { match: ['enc/w'], lrScale: 0.5, weightDecayScale: 3 },
        { match: /enc/, lrScale: 7 }, // later match: ignored for enc/w
      ],
    };
    const s = (t: number) => 1 / t;
    expect(stepContext('X', o, s, 'enc/w', [4, 4], 4)).toEqual({ name: 'enc/w', t: 4, scheduleFactor: 0.125, lr: 0.1 * 0.125, decayScale: 3, shape: [4, 4] });
    expect(stepContext('X', o, s, 'enc/v', [4, 4], 2)).toEqual({ name: 'enc/v', t: 2, scheduleFactor: 3.5, lr: 0.1 * 3.5, decayScale: 1, shape: [4, 4] });
    expect(stepContext('X', o, s, 'dec/w', [4, 4], 1)).toMatchObject({ scheduleFactor: 1, lr: 0.1, decayScale: 1 });
  });

  it("noDecay 'auto' spares rank <= 1 and embedding variables (rank judged without K under learningRateScale); names or RegExp otherwise", () => {
    const auto: CommonOptions = { learningRate: 1 };
    expect(stepContext('X', auto, constant, 'dense/bias', [8], 1).decayScale).toBe(0);
    expect(stepContext('X', auto, constant, 'scalar', [], 1).decayScale).toBe(0);
    expect(stepContext('X', auto, constant, 'tok_Embedding', [100, 8], 1).decayScale).toBe(0);
    expect(stepContext('X', auto, constant, 'dense/kernel', [8, 8], 1).decayScale).toBe(1);
    const k: CommonOptions = { learningRate: 1, learningRateScale: [1, 1, 1] };
    expect(stepContext('X', k, constant, 'dense/bias', [3, 8], 1).decayScale).toBe(0); // a [K, d] bias
    expect(stepContext('X', k, constant, 'dense/kernel', [3, 8, 8], 1).decayScale).toBe(1);
    const names: CommonOptions = { learningRate: 1, noDecay: ['a'] };
    expect(stepContext('X', names, constant, 'a', [2, 2], 1).decayScale).toBe(0);
    expect(stepContext('X', names, constant, 'bias', [2], 1).decayScale).toBe(1); // no 'auto' rule with explicit names
    const re: CommonOptions = { learningRate: 1, noDecay: /norm/g, groups: [{ match: ['ln/norm'], weightDecayScale: 5 }] };
    // A global RegExp is reset before each test (lastIndex), so it matches every time.
    expect(stepContext('X', re, constant, 'ln/norm', [2, 2], 1).decayScale).toBe(0);
    expect(stepContext('X', re, constant, 'ln/norm', [2, 2], 1).decayScale).toBe(0);
  });

  it('rejects a schedule value that is not a finite number >= 0, naming the optimizer and the step', () => {
    const o: CommonOptions = { learningRate: 1 };
    for (const [v, text] of [[Number.NaN, 'NaN'], [-0.5, '-0.5'], [Infinity, 'Infinity'], ['1', '1']] as const) {
      expect(() => stepContext('AdamW', o, () => v as number, 'w', [1], 9)).toThrow(`AdamW: schedule must return a finite number >= 0, got ${text} at step 9`);
    }
    expect(stepContext('AdamW', o, () => 0, 'w', [1], 9).lr).toBe(0);
  });
});

describe('sliceContexts', () => {
  it('one context per model: factors and lr times learningRateScale[k], the shape without the model axis', () => {
    const ctx = stepContext('X', { learningRate: 0.2 }, () => 0.5, 'w', [3, 4, 5], 2);
    const s = sliceContexts('X', ctx, [1, 0.5, 0]);
    expect(s.map((c) => c.lr)).toEqual([0.1, 0.05, 0]);
    expect(s.map((c) => c.scheduleFactor)).toEqual([0.5, 0.25, 0]);
    expect(s.every((c) => c.name === 'w' && c.t === 2 && c.decayScale === 1)).toBe(true);
    expect(s.map((c) => c.shape)).toEqual([[4, 5], [4, 5], [4, 5]]);
    expect(ctx.shape).toEqual([3, 4, 5]); // not modified
  });

  it('rejects a variable whose first dimension is not K, naming it', () => {
    const ctx = stepContext('AdamW', { learningRate: 1 }, constant, 'dense/kernel', [2, 4], 1);
    expect(() => sliceContexts('AdamW', ctx, [1, 1, 1])).toThrow("AdamW: with learningRateScale (3 models) every variable's first dimension must be 3, got shape [2, 4] for 'dense/kernel'");
    const scalar = stepContext('AdamW', { learningRate: 1 }, constant, 's', [], 1);
    expect(() => sliceContexts('AdamW', scalar, [1])).toThrow("AdamW: with learningRateScale (1 models) every variable's first dimension must be 1, got shape [] for 's'");
  });
});
