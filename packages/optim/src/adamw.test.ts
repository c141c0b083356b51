import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { ADAMW_KEYS, AdamW, adamw, adamwScalars, checkAdamOptions, checkDecayBelowOne } from './adamw';
import type { StepContext } from './fused-optimizer';
import { runSteps } from './test-trajectories';

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

  it('every key of ADAMW_KEYS is accepted; getConfig/fromConfig rebuilds the same options', () => {
    const opt = adamw({ learningRate: 0.01, beta1: 0.8, beta2: 0.99, eps: 1e-7, weightDecay: 0.05 });
    expect(Object.keys(opt.options).filter((k) => k !== 'learningRate').sort()).toEqual([...ADAMW_KEYS].sort());
    const back = AdamW.fromConfig(AdamW, opt.getConfig()) as AdamW;
    expect(back).toBeInstanceOf(AdamW);
    expect(back.options).toEqual(opt.options);
    expect(back.getClassName()).toBe('AdamW');
    opt.dispose();
    back.dispose();
  });
});

/** Plain float64 AdamW for one coordinate (torch.optim.AdamW docs: decay with the full lr, then the Adam step). */
function adamw64(theta: number, grads: number[], lr: number, b1: number, b2: number, eps: number, wd: number): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    theta *= 1 - lr * wd;
    m = b1 * m + (1 - b1) * g;
    v = b2 * v + (1 - b2) * g * g;
    const mHat = m / (1 - Math.pow(b1, t));
    const vHat = v / (1 - Math.pow(b2, t));
    theta -= (lr * mHat) / (Math.sqrt(vHat) + eps);
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
