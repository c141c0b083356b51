import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { adamw } from './adamw';
import { AdEMAMix, ademamix, type AdEMAMixOptions } from './ademamix';
import type { FusedOptimizer, StepContext } from './fused-optimizer';
import { ademamixRef } from './reference';
import type { RuleScalars } from './rules';
import { perCoordinate, runSeeded as run, TRAJECTORY_TOL } from './test-trajectories';

const ctx = (t: number, lr = 0.01, decayScale = 1): StepContext => ({ name: 'w', t, lr, scheduleFactor: 1, decayScale, shape: [2, 2] });

/** The scalars AdEMAMix hands its fused rule at `ctx` (the protected hook, called directly). */
function scalarsAt(o: AdEMAMixOptions, c: StepContext): RuleScalars {
  const opt = new AdEMAMix(o);
  const k = (opt as unknown as { scalarsFor(c: StepContext): RuleScalars }).scalarsFor(c);
  opt.dispose();
  return k;
}

/** Half-life in steps of an EMA with decay β, and its inverse (apple/ml-ademamix `linear_hl_warmup_scheduler`'s f, f_inv). */
const hl = (b: number): number => Math.log(0.5) / Math.log(b) - 1;
const fromHl = (h: number): number => Math.pow(0.5, 1 / (h + 1));

describe('AdEMAMix scalars: defaults and the α / β3 warm-ups', () => {
  it('defaults: β (0.9, 0.999, 0.9999), α 2, ε 1e-8, λ 0 (decay exactly 1), no warm-up from step 1', () => {
    for (const t of [1, 3, 50]) {
      const k = scalarsAt({ learningRate: 0.01 }, ctx(t));
      expect(k).toMatchObject({ b1: 0.9, b2: 0.999, b3: 0.9999, alpha: 2, eps: 1e-8, decay: 1, lr: 0.01 });
      // Bias correction of m1 and ν only (m2 is uncorrected): the same float64 expressions, to a few ulp.
      expect(k.ibc1).toBeCloseTo(1 / (1 - 0.9 ** t), 12);
      expect(k.ibc2).toBeCloseTo(1 / Math.sqrt(1 - 0.999 ** t), 12);
    }
  });

  it('α warm-up is linear from 0: α·t/T before T, α from T on; gamma3Factor multiplies it', () => {
    for (const t of [1, 2, 3, 4, 5, 9]) {
      expect(scalarsAt({ learningRate: 0.01, alpha: 5, alphaWarmup: 4 }, ctx(t)).alpha).toBeCloseTo(5 * Math.min(t / 4, 1), 14);
      expect(scalarsAt({ learningRate: 0.01, alpha: 5, alphaWarmup: 4, gamma3Factor: 0.5 }, ctx(t)).alpha).toBeCloseTo(2.5 * Math.min(t / 4, 1), 14);
    }
  });

  it('β3 warm-up is linear in half-life from that of β1 to that of β3; β3 from T on; β3 rises monotonically', () => {
    const T = 6;
    let prev = 0;
    for (let t = 1; t <= T + 2; t++) {
      const a = Math.min(t / T, 1);
      const want = t >= T ? 0.999 : fromHl((1 - a) * hl(0.8) + a * hl(0.999));
      const b3 = scalarsAt({ learningRate: 0.01, beta1: 0.8, beta3: 0.999, beta3Warmup: T }, ctx(t)).b3!;
      // exp/log round trips of O(1e3) half-lives in float64: 1e-12 absolute on β ∈ (0, 1).
      expect(b3).toBeCloseTo(want, 12);
      if (t <= T) expect(b3).toBeGreaterThan(prev);
      else expect(b3).toBe(prev);
      prev = b3;
    }
    expect(prev).toBe(0.999);
  });

  it('β1 = 0 starts the β3 warm-up from β 0.5 (half-life 0) instead of an undefined half-life', () => {
    const k = scalarsAt({ learningRate: 0.01, beta1: 0, beta3: 0.99, beta3Warmup: 4 }, ctx(1));
    expect(Number.isFinite(k.b3)).toBe(true);
    expect(k.b3).toBeCloseTo(fromHl(0.75 * 0 + 0.25 * hl(0.99)), 12);
    expect(k.ibc1).toBe(1); // 1/(1 − 0^t)
  });

  it('weightDecay is decoupled with the full lr, times the variable’s decayScale', () => {
    expect(scalarsAt({ learningRate: 0.01, weightDecay: 0.1 }, ctx(2, 0.004, 0.5)).decay).toBeCloseTo(1 - 0.004 * 0.1 * 0.5, 15);
    expect(scalarsAt({ learningRate: 0.01, weightDecay: 0.1 }, ctx(2, 0.004, 0)).decay).toBe(1);
  });
});

describe('AdEMAMix option validation names the option and the value', () => {
  it.each([
    [{ beta3: 0 }, /AdEMAMix: beta3 must be in \(0, 1\), got 0/],
    [{ beta3: 1 }, /AdEMAMix: beta3 must be in \(0, 1\), got 1/],
    [{ alpha: Number.POSITIVE_INFINITY }, /AdEMAMix: alpha must be a finite number >= 0, got Infinity/],
    [{ alphaWarmup: -1 }, /AdEMAMix: alphaWarmup must be a finite number >= 0, got -1/],
    [{ beta3Warmup: Number.POSITIVE_INFINITY }, /AdEMAMix: beta3Warmup must be a finite number >= 0, got Infinity/],
    [{ gamma3Factor: -0.5 }, /AdEMAMix: gamma3Factor must be a finite number >= 0, got -0.5/],
    // The Adam options shared with AdamW are checked under AdEMAMix's name.
    [{ beta1: 1 }, /AdEMAMix: beta1 must be in \[0, 1\), got 1/],
    [{ learningRate: 0.5, weightDecay: 2 }, /AdEMAMix: learningRate·weightDecay must be < 1/],
    [{ betas: [0.9, 0.999] }, /AdEMAMix: unknown option 'betas'/],
  ])('%o', (extra, message) => {
    expect(() => ademamix({ learningRate: 0.01, ...extra } as never)).toThrow(message);
  });

  it('the default weightDecay 0 is filled into options (not AdamW’s 0.01); an explicit one is kept', () => {
    expect(new AdEMAMix({ learningRate: 0.01 }).options.weightDecay).toBe(0);
    expect(new AdEMAMix({ learningRate: 0.01, weightDecay: 0.3 }).options.weightDecay).toBe(0.3);
  });
});

const tol = TRAJECTORY_TOL;

describeEachBackend('AdEMAMix steps', () => {
  // Moved from options.test.ts (unchanged): checks the class against reference.ts's ademamixRef.
  it('AdEMAMix gamma3Factor scales the slow EMA term (α·γ3f·m2)', async () => {
    const { got, init, grads } = await run(ademamix({ learningRate: 0.01, alpha: 4, beta3: 0.99, gamma3Factor: 0.25 }), [4, 4], 3);
    const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, beta3: 0.99, alpha: 4 * 0.25 };
    assertAllClose(got, perCoordinate(init, grads, (x) => ({ theta: x, m1: 0, m2: 0, v: 0 }), (s, g, t) => ademamixRef(s, g, t, h)), { ...tol, label: 'gamma3Factor' });
  });

  it('α = 0 is AdamW (same β, ε, λ): the slow EMA drops out', async () => {
    const mix = await run(ademamix({ learningRate: 0.01, alpha: 0, weightDecay: 0.1 }), [4, 4], 8);
    const aw = await run(adamw({ learningRate: 0.01, weightDecay: 0.1 }), [4, 4], 8);
    // Two float32 forms of one update (lr·m1·ibc1 vs stepSize·m1): a few ulp per step on O(1) weights.
    assertAllClose(mix.got, aw.got, { rtol: 2e-6, atol: 2e-7, label: 'alpha 0 vs AdamW' });
  });
});
