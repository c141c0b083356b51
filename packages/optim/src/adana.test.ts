import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it } from 'vitest';
import { Adana, adana, DanaMK4, danaMK4, DanaStar, danaStar, DanaStarMK4, danaStarMK4, type AdanaOptions } from './adana';
import type { FusedOptimizer, StepContext } from './fused-optimizer';
import { adanaRef, danaStarRef } from './reference';
import { NO_CLIP, type RuleScalars } from './rules';
import { warmupCosine } from './schedules';
import { gradSequence, perCoordinate, runSeeded as run, runSteps, TRAJECTORY_TOL, uniqueName } from './test-trajectories';

const ctx = (t: number, lr = 0.01, scheduleFactor = 1, decayScale = 1): StepContext => ({ name: 'w', t, lr, scheduleFactor, decayScale, shape: [2, 2] });

/** The scalars an ADANA-family optimizer hands its fused rule at `c` (the protected hook, called directly). */
function scalarsAt(opt: FusedOptimizer, c: StepContext): RuleScalars {
  const k = (opt as unknown as { scalarsFor(c: StepContext): RuleScalars }).scalarsFor(c);
  opt.dispose();
  return k;
}

describe('Adana.weightDecayAt: log-time ω/(wd_ts + t), constant λ, or none', () => {
  it('no totalSteps / wdTimescale / weightDecay: no decay at any step', () => {
    const opt = adana({ learningRate: 0.01, omega: 3 });
    for (const t of [1, 10, 1e6]) expect(opt.weightDecayAt(t)).toBe(0);
    opt.dispose();
  });

  it('totalSteps T: ω/(T/10 + t) with the default ω 4; wdTimescale overrides T/10; a constant λ ignores t', () => {
    const byT = adana({ learningRate: 0.01, totalSteps: 1000 });
    const byTs = adana({ learningRate: 0.01, totalSteps: 1000, wdTimescale: 7, omega: 3 });
    const onlyTs = adana({ learningRate: 0.01, wdTimescale: 20 });
    const constant = adana({ learningRate: 0.01, weightDecay: 0.05 });
    for (const t of [1, 2, 50, 900]) {
      expect(byT.weightDecayAt(t)).toBeCloseTo(4 / (100 + t), 15);
      expect(byTs.weightDecayAt(t)).toBeCloseTo(3 / (7 + t), 15);
      expect(onlyTs.weightDecayAt(t)).toBeCloseTo(4 / (20 + t), 15);
      expect(constant.weightDecayAt(t)).toBe(0.05);
    }
    for (const o of [byT, byTs, onlyTs, constant]) o.dispose();
  });
});

describe('ADANA-family scalars: log-time EMA, damping, clip defaults per variant, decay times s(t)', () => {
  it('Adana defaults at t = 5: a = δ/(δ + t) with δ 8, damp (1 + t)^(1 − κ) with κ 0.85, no clip, ε 1e-8, lr3 = lr', () => {
    const k = scalarsAt(adana({ learningRate: 0.01 }), ctx(5));
    // Same float64 expressions, written independently: equal to a few ulp.
    expect(k.a).toBeCloseTo(8 / 13, 15);
    expect(k.damp).toBeCloseTo(Math.pow(6, 0.15), 14);
    expect(k).toMatchObject({ lr: 0.01, lr3: 0.01, clip: NO_CLIP, eps: 1e-8, decay: 1 });
    expect(k).not.toHaveProperty('ek');
  });

  it('kappa, delta, eps and gamma3Factor reach the scalars (γ3f multiplies the momentum lr only)', () => {
    const k = scalarsAt(adana({ learningRate: 0.01, kappa: 0.5, delta: 3, eps: 1e-6, gamma3Factor: 0.25 }), ctx(4, 0.002));
    expect(k.a).toBeCloseTo(3 / 7, 15);
    expect(k.damp).toBeCloseTo(Math.sqrt(5), 14);
    expect(k).toMatchObject({ lr: 0.002, lr3: 0.0005, eps: 1e-6 });
    // κ = 1: no damping growth at all.
    expect(scalarsAt(adana({ learningRate: 0.01, kappa: 1 }), ctx(99)).damp).toBe(1);
  });

  it('clip: off for Adana / DanaStar, 2 for the MK4 variants; an explicit clipSNR wins; Infinity means off', () => {
    expect(scalarsAt(adana({ learningRate: 0.01 }), ctx(1)).clip).toBe(NO_CLIP);
    expect(scalarsAt(danaStar({ learningRate: 0.01 }), ctx(1)).clip).toBe(NO_CLIP);
    expect(scalarsAt(danaMK4({ learningRate: 0.01 }), ctx(1)).clip).toBe(2);
    expect(scalarsAt(danaStarMK4({ learningRate: 0.01 }), ctx(1)).clip).toBe(2);
    expect(scalarsAt(adana({ learningRate: 0.01, clipSNR: 3 }), ctx(1)).clip).toBe(3);
    expect(scalarsAt(danaMK4({ learningRate: 0.01, clipSNR: 0.5 }), ctx(1)).clip).toBe(0.5);
    expect(scalarsAt(danaMK4({ learningRate: 0.01, clipSNR: Number.POSITIVE_INFINITY }), ctx(1)).clip).toBe(NO_CLIP);
  });

  it('the Dana-Star variants carry t, the exponent 1 − κ and τ’s floor 1/(1 + t) instead of a damping factor', () => {
    for (const make of [danaStar, danaStarMK4]) {
      const k = scalarsAt(make({ learningRate: 0.01, kappa: 0.75 }), ctx(9));
      expect(k).toMatchObject({ t: 9, ek: 0.25, tmin: 0.1 });
      expect(k).not.toHaveProperty('damp');
    }
  });

  it('decay = 1 − λ(t)·s(t)·decayScale: the schedule factor and the no-decay scale multiply the log-time λ', () => {
    const o: AdanaOptions = { learningRate: 0.01, totalSteps: 200, omega: 2 };
    // λ(3) = 2/(20 + 3); s = 0.5, decayScale 0.5.
    expect(scalarsAt(adana(o), ctx(3, 0.005, 0.5, 0.5)).decay).toBeCloseTo(1 - (2 / 23) * 0.25, 15);
    expect(scalarsAt(adana(o), ctx(3, 0.005, 0.5, 0)).decay).toBe(1);
    expect(scalarsAt(adana({ learningRate: 0.01, weightDecay: 0.1 }), ctx(7, 0.01, 0.3)).decay).toBeCloseTo(1 - 0.03, 15);
  });

  it('the four classes have their own names and serialize under them', () => {
    for (const [cls, name] of [[Adana, 'Adana'], [DanaMK4, 'DanaMK4'], [DanaStar, 'DanaStar'], [DanaStarMK4, 'DanaStarMK4']] as const) {
      const opt = new cls({ learningRate: 0.01, kappa: 0.7 });
      expect(opt.getClassName()).toBe(name);
      const back = cls.fromConfig(cls, opt.getConfig()) as FusedOptimizer<AdanaOptions>;
      expect(back).toBeInstanceOf(cls);
      expect(back.options).toEqual(opt.resolvedOptions);
      expect(back.resolvedOptions).toEqual(opt.resolvedOptions);
      // Saved with the defaults: κ as given, δ 8, ε 1e-8, ω 4, γ3 factor 1, and the MK4 variants' clipSNR 2.
      expect(opt.resolvedOptions).toMatchObject({ kappa: 0.7, delta: 8, eps: 1e-8, omega: 4, gamma3Factor: 1, noDecay: 'auto' });
      expect(opt.resolvedOptions.clipSNR).toBe(name.endsWith('MK4') ? 2 : undefined);
      opt.dispose();
      back.dispose();
    }
  });
});

describe('ADANA-family option validation names the class, the option and the value', () => {
  it.each([
    [{ kappa: -0.1 }, /Adana: kappa must be in \[0, 1\], got -0.1/],
    [{ delta: Number.POSITIVE_INFINITY }, /Adana: delta must be a finite number > 0, got Infinity/],
    [{ omega: -1 }, /Adana: omega must be a finite number >= 0, got -1/],
    [{ totalSteps: 0 }, /Adana: totalSteps must be a finite number > 0, got 0/],
    [{ wdTimescale: -5 }, /Adana: wdTimescale must be a finite number > 0, got -5/],
    [{ weightDecay: 1 }, /Adana: weightDecay must be in \[0, 1\) \(each step multiplies the weights by 1 − λ·s\(t\)\), got 1/],
    [{ gamma3Factor: -1 }, /Adana: gamma3Factor must be a finite number >= 0, got -1/],
    [{ clipSNR: 0 }, /Adana: clipSNR must be a number > 0, got 0/],
    [{ weightDecay: 0.1, omega: 4 }, /Adana: weightDecay \(constant\) cannot be combined with omega \/ totalSteps \/ wdTimescale/],
    [{ weightDecay: 0.1, totalSteps: 1000 }, /Adana: weightDecay \(constant\) cannot be combined/],
    [{ weightDecay: 0.1, wdTimescale: 10 }, /Adana: weightDecay \(constant\) cannot be combined/],
    // An explicit wdTimescale: the message has no hint about totalSteps.
    [{ wdTimescale: 2, omega: 3 }, /Adana: omega\/\(wdTimescale \+ 1\) must be < 1 \(the weight-decay factor 1 − λ\(1\) would be <= 0\), got 3\/\(2 \+ 1\)$/],
    [{ beta1: 0.9 }, /Adana: unknown option 'beta1'/],
  ])('%o', (extra, message) => {
    expect(() => adana({ learningRate: 0.01, ...extra } as never)).toThrow(message);
  });

  it('each variant reports its own name; the bound omega/(wd_ts + 1) < 1 is strict and accepts just below', () => {
    expect(() => danaStarMK4({ learningRate: 0.01, kappa: 2 })).toThrow(/^DanaStarMK4: kappa/);
    expect(() => danaStar({ learningRate: 0.01, wdTimescale: 3 })).toThrow(/^DanaStar: omega\/\(wdTimescale \+ 1\) must be < 1/);
    expect(() => danaMK4({ learningRate: 0.01, totalSteps: 30 })).toThrow(/^DanaMK4: .*got 4\/\(3 \+ 1\) with wdTimescale = totalSteps\/10 = 3/);
    adana({ learningRate: 0.01, wdTimescale: 3.01 }).dispose();
  });
});

// ---- trajectories against reference.ts (they check the classes against the reference rules) ----

const SHAPE = [4, 4];
const runOptimizer = (opt: FusedOptimizer, init: Float64Array, grads: Float64Array[], name: string): Promise<Float32Array> => runSteps(opt, init, grads, SHAPE, name);

// Moved from optimizers.test.ts (unchanged).
describeEachBackend('ADANA family matches the float64 reference over several scheduled steps', () => {
  const init = Float64Array.from(createRng(3).normalArray(16));
  const grads = gradSequence(4);
  const T = 40;
  const sched = warmupCosine({ totalSteps: T, warmupSteps: 3 });
  // 6 steps of ~15 float32 ops from float32-rounded inputs; the weights are O(1): 2e-5 relative + 2e-6 absolute.
  const tol = { rtol: 2e-5, atol: 2e-6 };

  it('Adana (log-time weight decay times s(t))', async () => {
    const opt = adana({ learningRate: 0.02, totalSteps: T, schedule: { kind: 'warmupCosine', totalSteps: T, warmupSteps: 3 } });
    const got = await runOptimizer(opt, init, grads, uniqueName('adana'));
    const want = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) =>
      adanaRef(s, g, t, { lr: 0.02 * sched(t), scheduleFactor: sched(t), delta: 8, kappa: 0.85, eps: 1e-8, gamma3Factor: 1, clipSNR: Infinity, weightDecay: 4 / (T / 10 + t) }),
    );
    assertAllClose(got, want, { ...tol, label: 'Adana' });
  });

  it('DanaMK4 and DanaStarMK4 (clipSNR 2), DanaStar', async () => {
    const h = (_t: number) => ({ lr: 0.02, scheduleFactor: 1, delta: 8, kappa: 0.85, eps: 1e-8, gamma3Factor: 1, clipSNR: 2, weightDecay: 0 });
    const mk4 = await runOptimizer(new DanaMK4({ learningRate: 0.02 }), init, grads, uniqueName('mk4'));
    assertAllClose(mk4, perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, h(t))), { ...tol, label: 'DanaMK4' });
    const star = await runOptimizer(new DanaStarMK4({ learningRate: 0.02 }), init, grads, uniqueName('star'));
    const starRef = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0, tau: 0 }), (s, g, t) => danaStarRef(s, g, t, h(t)));
    assertAllClose(star, starRef, { ...tol, label: 'DanaStarMK4' });
    const plain = await runOptimizer(new DanaStar({ learningRate: 0.02 }), init, grads, uniqueName('starplain'));
    const plainRef = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0, tau: 0 }), (s, g, t) => danaStarRef(s, g, t, { ...h(t), clipSNR: Infinity }));
    assertAllClose(plain, plainRef, { ...tol, label: 'DanaStar' });
  });
});

const tol = TRAJECTORY_TOL;
const adanaBase = { delta: 8, kappa: 0.85, eps: 1e-8, gamma3Factor: 1, clipSNR: Infinity };

// Moved from options.test.ts (unchanged).
describeEachBackend('Adana weight-decay options match the float64 reference', () => {
  it('Adana wdTimescale: λ(t) = ω/(wdTimescale + t), overriding T/10', async () => {
    const { got, init, grads } = await run(adana({ learningRate: 0.02, totalSteps: 1000, wdTimescale: 7, omega: 3, noDecay: [] }), [4, 4], 1);
    const want = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, { ...adanaBase, lr: 0.02, scheduleFactor: 1, weightDecay: 3 / (7 + t) }));
    assertAllClose(got, want, { ...tol, label: 'wdTimescale' });
    // And T/10 would differ: the option is not ignored.
    const other = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, { ...adanaBase, lr: 0.02, scheduleFactor: 1, weightDecay: 3 / (100 + t) }));
    expect(Math.max(...got.map((x, i) => Math.abs(x - other[i]!)))).toBeGreaterThan(1e-3);
  });

  it('Adana constant weightDecay: θ ← θ·(1 − λ·s(t)) after the step, with a schedule', async () => {
    const sched = (t: number): number => 1 / (1 + 0.1 * t);
    const { got, init, grads } = await run(adana({ learningRate: 0.02, weightDecay: 0.05, schedule: sched, noDecay: [] }), [4, 4], 2);
    const want = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adanaRef(s, g, t, { ...adanaBase, lr: 0.02 * sched(t), scheduleFactor: sched(t), weightDecay: 0.05 }));
    assertAllClose(got, want, { ...tol, label: 'constant weightDecay' });
  });
});

/** Plain float64 ADANA for one coordinate (the rule written out here, independently of reference.ts), no decay. */
function adana64(theta: number, grads: number[], lr: number, delta: number, kappa: number, eps: number): number {
  let m = 0;
  let v = 0;
  grads.forEach((g, i) => {
    const t = i + 1;
    const a = delta / (delta + t);
    m = (1 - a) * m + a * g;
    v = (1 - a) * v + a * g * g;
    const d = Math.sqrt(v) + eps;
    // lr·g/d + lr·(sign(m)·(1+t)^(1−κ)·|m|/d + m/d) = lr·(g + (1+t)^(1−κ)·m + m)/d
    theta -= (lr * (g + Math.pow(1 + t, 1 - kappa) * m + m)) / d;
  });
  return theta;
}

describeEachBackend('Adana against a plain float64 ADANA', () => {
  it('κ 0.5, δ 4, ε 1e-6, no weight decay: 6 steps on a [3, 5] weight', async () => {
    const { got, init, grads } = await run(adana({ learningRate: 0.01, kappa: 0.5, delta: 4, eps: 1e-6 }), [3, 5], 17);
    const want = Array.from(init, (x, j) => adana64(x, grads.map((g) => g[j]!), 0.01, 4, 0.5, 1e-6));
    // As above: ~15 float32 ops per step from float32 inputs, the damping (≤ √7) amplifying rounding a little.
    assertAllClose(got, want, { ...tol, label: 'Adana κ 0.5' });
  });
});
