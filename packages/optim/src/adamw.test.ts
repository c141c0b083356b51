import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { ADAMW_KEYS, AdamW, adamw, adamwScalars, checkAdamOptions, checkDecayBelowOne } from './adamw';
import type { StepContext } from './fused-optimizer';
import { runSteps, uniqueName } from './test-trajectories';

const ctx = (t: number, lr: number, decayScale = 1): StepContext => ({ name: 'w', t, lr, scheduleFactor: 1, decayScale, shape: [2, 2] });

describe('adamwScalars (the per-step scalars of the fused AdamW rule)', () => {
  it("PyTorch's defaults: β 0.9/0.999, ε 1e-8, λ 0.01; lr/(1 − β1^t), 1/√(1 − β2^t), decay 1 − lr·λ", () => {
    for (const t of [1, 2, 7, 1000]) {
      const k = adamwScalars({ learningRate: 0.01 }, ctx(t, 0.01));
      expect(k.b1).toBe(0.9);
      expect(k.b2).toBe(0.999);
      expect(k.eps).toBe(1e-8);
      // The same float64 expressions written independently: agreement to a few ulp of O(1e-2 … 1e2) values.
      expect(k.stepSize).toBeCloseTo(0.01 / (1 - 0.9 ** t), 12);
      expect(k.ibc2).toBeCloseTo(1 / Math.sqrt(1 - 0.999 ** t), 12);
      expect(k.decay).toBeCloseTo(1 - 0.01 * 0.01, 15);
    }
  });

  it('explicit options are used, lr is the scheduled one from the context, and decayScale multiplies λ', () => {
    const o = { learningRate: 1, beta1: 0.5, beta2: 0.75, eps: 1e-6, weightDecay: 0.2 };
    const k = adamwScalars(o, ctx(3, 0.1, 2));
    expect(k).toEqual({ b1: 0.5, b2: 0.75, eps: 1e-6, stepSize: 0.1 / (1 - 0.125), ibc2: 1 / Math.sqrt(1 - 0.75 ** 3), decay: 1 - 0.1 * 0.2 * 2 });
    // A no-decay variable (decayScale 0) is not decayed at all: the factor is exactly 1.
    expect(adamwScalars(o, ctx(3, 0.1, 0)).decay).toBe(1);
    // β1 = 0 (RMSProp-like) gives stepSize = lr exactly.
    expect(adamwScalars({ ...o, beta1: 0 }, ctx(4, 0.1)).stepSize).toBe(0.1);
  });
});

describe('AdamW option validation names the class, the option and the value', () => {
  it.each([
    [{ learningRate: 0.1, beta1: 1 }, /AdamW: beta1 must be in \[0, 1\), got 1/],
    [{ learningRate: 0.1, beta1: -0.1 }, /AdamW: beta1 must be in \[0, 1\), got -0.1/],
    [{ learningRate: 0.1, eps: -1 }, /AdamW: eps must be a finite number > 0 \(0 gives 0\/0 = NaN on a zero gradient\), got -1/],
    [{ learningRate: 0.1, weightDecay: -0.5 }, /AdamW: weightDecay must be a finite number >= 0, got -0.5/],
    [{ learningRate: 0.1, weightDecay: Number.POSITIVE_INFINITY }, /AdamW: weightDecay must be a finite number >= 0, got Infinity/],
    // lr·λ exactly 1 zeroes every weight each step: rejected (the bound is strict).
    [{ learningRate: 0.5, weightDecay: 2 }, /AdamW: learningRate·weightDecay must be < 1 \(each step multiplies the weights by 1 − lr·λ\), got 0.5·2 = 1/],
    [{ learningRate: 0.1, beta3: 0.9 }, /AdamW: unknown option 'beta3'/],
  ])('%o', (options, message) => {
    expect(() => adamw(options as never)).toThrow(message);
  });

  it('checkAdamOptions and checkDecayBelowOne report the calling class (shared with AdEMAMix and Muon)', () => {
    expect(() => checkAdamOptions('Other', { learningRate: 0.1, beta2: 2 })).toThrow(/^Other: beta2 must be in \[0, 1\), got 2/);
    expect(() => checkDecayBelowOne('Other', 0.1, 9.99)).not.toThrow();
    expect(() => checkDecayBelowOne('Other', 0.1, 10)).toThrow(/^Other: learningRate·weightDecay must be < 1/);
    expect(() => checkAdamOptions('Other', { learningRate: 0.1, beta1: 0, beta2: 0, weightDecay: 0 })).not.toThrow();
  });

  it('every key of ADAMW_KEYS is accepted; getConfig/fromConfig rebuilds the same options (defaults included)', () => {
    const opt = adamw({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-7, weightDecay: 0.05 });
    expect(Object.keys(opt.options).filter((k) => k !== 'learningRate').sort()).toEqual([...ADAMW_KEYS].sort());
    const back = AdamW.fromConfig(AdamW, opt.getConfig()) as AdamW;
    expect(back).toBeInstanceOf(AdamW);
    expect(back.options).toEqual(opt.resolvedOptions);
    expect(back.resolvedOptions).toEqual(opt.resolvedOptions);
    expect(opt.resolvedOptions).toMatchObject({ ...opt.options, noDecay: [], nonFinite: 'skip', kernel: 'auto', schedule: { kind: 'constant', value: 1 } });
    expect(back.getClassName()).toBe('AdamW');
    opt.dispose();
    back.dispose();
  });

  it("torch's defaults are saved: { learningRate } alone writes β, ε, λ and noDecay [] (every variable decayed)", () => {
    const opt = adamw({ learningRate: 0.01 });
    expect(opt.getConfig()).toEqual({
      learningRate: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, noDecay: [], nonFinite: 'skip', kernel: 'auto',
      schedule: { kind: 'constant', value: 1 }, configVersion: 2,
    });
    opt.dispose();
  });

  it("an old config (no configVersion: only the options the user passed) loads with that release's noDecay 'auto'", () => {
    const old = AdamW.fromConfig(AdamW, { learningRate: 0.01, weightDecay: 0.1 }) as AdamW;
    expect(old.resolvedOptions).toMatchObject({ learningRate: 0.01, weightDecay: 0.1, noDecay: 'auto', beta1: 0.9 });
    // An option the old config did write wins over the legacy default.
    const named = AdamW.fromConfig(AdamW, { learningRate: 0.01, noDecay: ['w'] }) as AdamW;
    expect(named.resolvedOptions.noDecay).toEqual(['w']);
    expect(() => AdamW.fromConfig(AdamW, { learningRate: 0.01, configVersion: 3 })).toThrow(/AdamW: fromConfig: configVersion must be 2 \(or absent, for a config saved before version 2\), got 3/);
    old.dispose();
    named.dispose();
  });
});

/**
 * Plain float64 AdamW for one coordinate (torch.optim.AdamW docs: decay with the full lr, then the Adam step), its
 * step t counted from the parameter's first gradient (torch's `state['step']`). `lr` may be one lr per step.
 */
function adamw64(theta: number, grads: number[], lr: number | number[], b1: number, b2: number, eps: number, wd: number, firstT = 1): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + firstT;
    const a = typeof lr === 'number' ? lr : lr[i]!;
    theta *= 1 - a * wd;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = m / (1 - Math.pow(b1, t));
    const vHat = v / (1 - Math.pow(b2, t));
    theta -= (a * mHat) / (Math.sqrt(vHat) + eps);
  });
  return theta;
}

describeEachBackend('AdamW with default options matches a plain float64 AdamW', () => {
  it('5 steps on a [3, 4] weight: the default λ = 0.01 and β (0.9, 0.999) are applied', async () => {
    const rng = createRng(21);
    const init = Float64Array.from(rng.normalArray(12), Math.fround);
    const grads = Array.from({ length: 5 }, () => Float64Array.from(rng.normalArray(12), Math.fround));
    const got = await runSteps(adamw({ learningRate: 0.05 }), init, grads, [3, 4]);
    const want = Array.from(init, (x, j) => adamw64(x, grads.map((g) => g[j]!), 0.05, 0.9, 0.999, 1e-8, 0.01));
    // 5 steps of ~12 float32 ops on O(1) weights from float32 inputs: 2e-5 relative + 2e-6 absolute (as optimizers.test.ts).
    assertAllClose(got, want, { rtol: 2e-5, atol: 2e-6, label: 'AdamW defaults' });
    // Without the default decay the result is measurably different (λ·lr·5 ≈ 2.5e-3 relative): the default is not 0.
    const noDecay = Array.from(init, (x, j) => adamw64(x, grads.map((g) => g[j]!), 0.05, 0.9, 0.999, 1e-8, 0));
    expect(Math.max(...Array.from(got, (x, i) => Math.abs(x - noDecay[i]!)))).toBeGreaterThan(1e-4);
  });
});

describeEachBackend("AdamW is torch's: every variable decayed by default, the step counted per variable", () => {
  it("a bias (rank 1) is decayed by default: zero gradient, lr 0.1, λ 0.5 → 1·(1 − 0.05) = 0.95 (torch); 'auto' keeps 1", async () => {
    const zero = [new Float64Array(3)];
    const torchLike = await runSteps(adamw({ learningRate: 0.1, weightDecay: 0.5 }), Float64Array.from([1, 1, 1]), zero, [3]);
    for (const x of torchLike) expect(x).toBeCloseTo(0.95, 7);
    const auto = await runSteps(adamw({ learningRate: 0.1, weightDecay: 0.5, noDecay: 'auto' }), Float64Array.from([1, 1, 1]), zero, [3]);
    expect(Array.from(auto)).toEqual([1, 1, 1]);
  });

  it('a variable first updated at optimizer step 3 gets the bias correction of t = 1 (torch per parameter); the schedule stays global', async () => {
    const rng = createRng(77);
    const a = tf.variable(tf.tensor2d(Float32Array.from(rng.normalArray(6), Math.fround), [2, 3]), true, uniqueName('early'));
    const b = tf.variable(tf.tensor1d(Float32Array.from(rng.normalArray(3), Math.fround)), true, uniqueName('late'));
    const a0 = Float64Array.from(await a.data());
    const b0 = Float64Array.from(await b.data());
    const ga = Array.from({ length: 5 }, () => Float64Array.from(rng.normalArray(6), Math.fround));
    const gb = Array.from({ length: 3 }, () => Float64Array.from(rng.normalArray(3), Math.fround));
    const T = 5;
    const opt = adamw({ learningRate: 0.05, weightDecay: 0.1, schedule: { kind: 'linear', totalSteps: 10 } });
    for (let step = 0; step < T; step++) {
      tf.tidy(() => {
        const grads: tf.NamedTensorMap = { [a.name]: tf.tensor2d(Float32Array.from(ga[step]!), [2, 3]) };
        if (step >= 2) grads[b.name] = tf.tensor1d(Float32Array.from(gb[step - 2]!));
        opt.applyGradients(grads);
      });
    }
    const gotA = await a.data();
    const gotB = await b.data();
    // torch: one LR scheduler for the optimizer (lr 0.05·(1 − s/10) at optimizer step s), a step count per parameter.
    const lrs = Array.from({ length: T }, (_, i) => 0.05 * (1 - (i + 1) / 10));
    const wantA = Array.from(a0, (x, j) => adamw64(x, ga.map((g) => g[j]!), lrs, 0.9, 0.999, 1e-8, 0.1));
    const wantB = Array.from(b0, (x, j) => adamw64(x, gb.map((g) => g[j]!), lrs.slice(2), 0.9, 0.999, 1e-8, 0.1));
    assertAllClose(gotA, wantA, { rtol: 2e-5, atol: 2e-6, label: 'early variable' });
    assertAllClose(gotB, wantB, { rtol: 2e-5, atol: 2e-6, label: 'late variable (t = 1, 2, 3)' });
    // A global step (t = 3, 4, 5 for the late variable, the 0.1.x behaviour) is measurably different.
    const globalT = Array.from(b0, (x, j) => adamw64(x, gb.map((g) => g[j]!), lrs.slice(2), 0.9, 0.999, 1e-8, 0.1, 3));
    expect(Math.max(...Array.from(gotB, (x, i) => Math.abs(x - globalT[i]!)))).toBeGreaterThan(1e-2);
    // The counts are saved per variable and restore into a fresh optimizer.
    const ws = await opt.getWeights();
    const count = async (name: string): Promise<number> => (await ws.find((w) => w.name === `${name}/step`)!.tensor.data())[0]!;
    expect([await count(a.name), await count(b.name)]).toEqual([5, 3]);
    expect(opt.iterations).toBe(5);
    tf.dispose([a, b, ...ws.filter((w) => w.name === 'iter' || w.name.endsWith('/step')).map((w) => w.tensor)]);
    opt.dispose();
  });
});
