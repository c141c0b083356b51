import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { createRng } from '@lemma/gpu-kernels';
import { assertAllClose, describeEachBackend } from '@lemma/gpu-kernels/testing';
import { describe, expect, it, vi } from 'vitest';
import { Adana, adana, DanaMK4, DanaStar, DanaStarMK4 } from './adana';
import { AdamW, adamw } from './adamw';
import { AdEMAMix, ademamix } from './ademamix';
import { Dana, dana, danaGamma3 } from './dana';
import type { FusedOptimizer } from './fused-optimizer';
import { Muon, muon } from './muon';
import { adamwRef, adanaRef, ademamixRef, danaRef, sgdMomentumRef } from './reference';
import { ademamixAlpha, ademamixBeta3, danaDelta } from './schedules';
import { SgdMomentum, sgdMomentum } from './sgd-momentum';
import { gradSequence, perCoordinate, runSteps, uniqueName } from './test-trajectories';

describe('construction errors name the argument, the expectation and the value', () => {
  it.each([
    [() => adana({ learningRate: -1 }), /Adana: learningRate must be a finite number > 0, got -1/],
    [() => adana({ learningRate: Number.NaN }), /Adana: learningRate must be a finite number > 0, got NaN/],
    [() => adana({ learningRate: 1e-3, kappa: 1.5 }), /Adana: kappa must be in \[0, 1\], got 1.5/],
    [() => adana({ learningRate: 1e-3, delta: 0 }), /Adana: delta must be a finite number > 0, got 0/],
    [() => new DanaMK4({ learningRate: 1e-3, clipSNR: -2 }), /DanaMK4: clipSNR must be a number > 0, got -2/],
    [() => adamw({ learningRate: 1e-3, beta2: 1 }), /AdamW: beta2 must be in \[0, 1\), got 1/],
    [() => ademamix({ learningRate: 1e-3, alpha: -1 }), /AdEMAMix: alpha must be a finite number >= 0, got -1/],
    [() => dana({ learningRate: 0.1, variant: 'constant' }), /Dana: d must be a finite number >= 1/],
    [() => sgdMomentum({ learningRate: 0.1, momentum: 1 }), /SgdMomentum: momentum must be in \[0, 1\), got 1/],
    [() => muon({ learningRate: 0.1, nsSteps: 0 }), /Muon: nsSteps must be an integer >= 1, got 0/],
    [() => adamw({ learningRate: 1e-3, nonFinite: 'ignore' as 'skip' }), /AdamW: nonFinite must be 'skip' or 'error', got 'ignore'/],
    [() => adamw({ learningRate: 1e-3, clipNorm: 0 }), /AdamW: clipNorm must be a finite number > 0, got 0/],
  ])('%#', (make, message) => {
    expect(make).toThrow(message);
  });
});

const SHAPE = [4, 4]; // 16 elements: the vec4 WGSL program on webgpu (the scalar one by the [3] bias in the groups test)
const runOptimizer = (opt: FusedOptimizer, init: Float64Array, grads: Float64Array[], name: string): Promise<Float32Array> => runSteps(opt, init, grads, SHAPE, name);

describeEachBackend('optimizers match the float64 reference over several scheduled steps', () => {
  const init = Float64Array.from(createRng(3).normalArray(16));
  const grads = gradSequence(4);
  const T = 40;
  // 6 steps of ~15 float32 ops from float32-rounded inputs; the weights are O(1): 2e-5 relative + 2e-6 absolute.
  const tol = { rtol: 2e-5, atol: 2e-6 };

  it("kernel: 'ops' (plain tfjs ops) gives the same ADANA and AdamW trajectories", async () => {
    const ad = await runOptimizer(adana({ learningRate: 0.02, totalSteps: T, kernel: 'ops' }), init, grads, uniqueName('adanaops'));
    const want = perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) =>
      adanaRef(s, g, t, { lr: 0.02, scheduleFactor: 1, delta: 8, kappa: 0.85, eps: 1e-8, gamma3Factor: 1, clipSNR: Infinity, weightDecay: 4 / (T / 10 + t) }),
    );
    assertAllClose(ad, want, { ...tol, label: 'Adana ops' });
    const aw = await runOptimizer(adamw({ learningRate: 0.01, kernel: 'ops' }), init, grads, uniqueName('adamwops'));
    const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01 };
    assertAllClose(aw, perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adamwRef(s, g, t, h)), { ...tol, label: 'AdamW ops' });
  });

  it('AdamW (PyTorch form) and AdEMAMix with warm-ups', async () => {
    const got = await runOptimizer(adamw({ learningRate: 0.01, weightDecay: 0.1 }), init, grads, uniqueName('adamw'));
    const h = { lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };
    assertAllClose(got, perCoordinate(init, grads, (x) => ({ theta: x, m: 0, v: 0 }), (s, g, t) => adamwRef(s, g, t, h)), { ...tol, label: 'AdamW' });
    const opt = ademamix({ learningRate: 0.01, weightDecay: 0.1, alpha: 5, beta3: 0.999, alphaWarmup: 4, beta3Warmup: 4 });
    const mix = await runOptimizer(opt, init, grads, uniqueName('ademamix'));
    const al = ademamixAlpha(5, 4);
    const b3 = ademamixBeta3(0.999, 4, 0.9);
    const mixRef = perCoordinate(init, grads, (x) => ({ theta: x, m1: 0, m2: 0, v: 0 }), (s, g, t) => ademamixRef(s, g, t, { ...h, alpha: al(t), beta3: b3(t) }));
    assertAllClose(mix, mixRef, { ...tol, label: 'AdEMAMix' });
  });

  it('Dana (decaying and constant) and SGD-momentum', async () => {
    for (const variant of ['decaying', 'constant'] as const) {
      const o = { learningRate: 0.05, variant, d: 15, delta: 6 };
      const got = await runOptimizer(dana(o), init, grads, uniqueName('dana'));
      const want = perCoordinate(init, grads, (x) => ({ theta: x, y: 0 }), (s, g, t) =>
        danaRef(s, g, { Delta: danaDelta(t, 6), gamma1: 1, gamma2: 0.05, gamma3: danaGamma3(o, 0.05, t) }),
      );
      assertAllClose(got, want, { ...tol, label: `Dana ${variant}` });
    }
    const sgd = await runOptimizer(sgdMomentum({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 }), init, grads, uniqueName('sgdm'));
    const sgdRef = perCoordinate(init, grads, (x) => ({ theta: x, buf: 0 }), (s, g) => sgdMomentumRef(s, g, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1 }));
    assertAllClose(sgd, sgdRef, { ...tol, label: 'SgdMomentum (coupled decay)' });
    const dec = await runOptimizer(sgdMomentum({ learningRate: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1, decoupledWeightDecay: true }), init, grads, uniqueName('sgdm'));
    const decRef = perCoordinate(init, grads, (x) => ({ theta: x, buf: 0 }), (s, g) => sgdMomentumRef(s, g, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.1, decoupled: true }));
    assertAllClose(dec, decRef, { ...tol, label: 'SgdMomentum (decoupled decay)' });
  });

  it('global-norm clipping equals running on pre-scaled gradients', async () => {
    const norm = Math.sqrt(grads[0]!.reduce((a, x) => a + x * x, 0));
    const one = [grads[0]!];
    const clipped = await runOptimizer(sgdMomentum({ learningRate: 0.1, momentum: 0.9, clipNorm: 0.5 }), init, one, uniqueName('clip'));
    const scaled = [grads[0]!.map((x) => (x * 0.5) / (norm + 1e-6))];
    const want = perCoordinate(init, scaled, (x) => ({ theta: x, buf: 0 }), (s, g) => sgdMomentumRef(s, g, { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0 }));
    assertAllClose(clipped, want, { ...tol, label: 'clipNorm' });
  });

  it("parameter groups: lrScale 0 freezes a variable; 'auto' no-decay spares rank-1 variables", async () => {
    const a = tf.variable(tf.ones([2, 2]), true, uniqueName('frozen'));
    const b = tf.variable(tf.ones([3]), true, uniqueName('bias'));
    const opt = adamw({ learningRate: 0.1, weightDecay: 0.5, noDecay: 'auto', groups: [{ match: [a.name], lrScale: 0 }] });
    opt.applyGradients({ [a.name]: tf.onesLike(a), [b.name]: tf.zerosLike(b) });
    expect(Array.from(await a.data())).toEqual([1, 1, 1, 1]);
    expect(Array.from(await b.data())).toEqual([1, 1, 1]); // zero gradient, no decay on a bias
    tf.dispose([a, b]);
    opt.dispose();
  });

  it.each(['auto', 'ops'] as const)("nonFinite 'skip' leaves weights untouched; 'error' throws (kernel %s)", async (kernel) => {
    const name = uniqueName('nan');
    const v = tf.variable(tf.ones([4]), true, name);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const opt = adana({ learningRate: 0.1, kernel });
    opt.applyGradients({ [name]: tf.tensor1d([1, Number.NaN, 0, 1]) });
    await tf.nextFrame();
    await v.data();
    await new Promise((r) => setTimeout(r, 10));
    expect(Array.from(await v.data())).toEqual([1, 1, 1, 1]);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
    const strict = adana({ learningRate: 0.1, nonFinite: 'error', kernel });
    // cpu-like backends throw at once; GPU backends detect it on the device and throw at the next step.
    const attempt = async (): Promise<void> => {
      strict.applyGradients({ [name]: tf.tensor1d([1, Number.POSITIVE_INFINITY, 0, 1]) });
      await v.data();
      await new Promise((r) => setTimeout(r, 10));
      strict.applyGradients({ [name]: tf.tensor1d([1, 1, 1, 1]) });
    };
    await expect(attempt()).rejects.toThrow(/non-finite gradient/);
    expect(Array.from(await v.data())).toEqual([1, 1, 1, 1]);
    v.dispose();
  });
});

/** Synthetic 2-class problem, fixed by the seed. */
function dataset(): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const rng = createRng(7);
  const n = 64;
  const xs = Float32Array.from(rng.normalArray(n * 4));
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) ys[i] = xs[i * 4]! + 0.5 * xs[i * 4 + 1]! - xs[i * 4 + 2]! > 0 ? 1 : 0;
  return { x: tf.tensor2d(xs, [n, 4]), y: tf.tensor2d(ys, [n, 1]) };
}

function mlp(seed: number): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 8, inputShape: [4], activation: 'tanh', kernelInitializer: tfl.initializers.glorotUniform({ seed }) }),
      tfl.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

const factories: [string, () => tf.Optimizer][] = [
  ['Adana', () => adana({ learningRate: 0.03, totalSteps: 40 })],
  ['DanaMK4', () => new DanaMK4({ learningRate: 0.03 })],
  ['DanaStarMK4', () => new DanaStarMK4({ learningRate: 0.03 })],
  ['Dana', () => dana({ learningRate: 0.5, delta: 8 })],
  ['AdamW', () => adamw({ learningRate: 0.05 })],
  ['AdEMAMix', () => ademamix({ learningRate: 0.05, alphaWarmup: 40, beta3Warmup: 40, beta3: 0.999 })],
  ['SgdMomentum', () => sgdMomentum({ learningRate: 0.5 })],
  ['Muon', () => muon({ learningRate: 0.1, adam: { learningRate: 0.05 } })],
];

describeEachBackend('every optimizer trains a small MLP with model.fit', () => {
  for (const [name, make] of factories) {
    it(`${name} reaches binary cross-entropy < 0.35`, async () => {
      const { x, y } = dataset();
      const model = mlp(1);
      model.compile({ optimizer: make(), loss: 'binaryCrossentropy' });
      // Full batch, 40 steps: small enough for lavapipe (webgpu on a CPU) in CI.
      const h = await model.fit(x, y, { epochs: 40, batchSize: 64, verbose: 0, shuffle: false });
      const loss = h.history.loss as number[];
      // Untrained loss is ~ln 2 = 0.69 on balanced labels; a linearly separable target should reach well below 0.35.
      expect(loss.at(-1)!).toBeLessThan(0.35);
      expect(loss.at(-1)!).toBeLessThan(loss[0]!);
      model.optimizer.dispose();
      model.dispose();
      tf.dispose([x, y]);
    });
  }
});

async function saveToMemory(model: tfl.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
    { includeOptimizer: true },
  );
  return saved!;
}

describeEachBackend('save with includeOptimizer and reload resumes bit for bit', () => {
  for (const [name, make] of [
    ['Adana', () => adana({ learningRate: 0.02, totalSteps: 100, schedule: { kind: 'warmupCosine', totalSteps: 100 }, noDecay: /dense_[0-9]+%?\/bias/ })],
    ['AdEMAMix', () => ademamix({ learningRate: 0.02, alphaWarmup: 50, beta3Warmup: 50 })],
    ['Muon', () => muon({ learningRate: 0.05 })],
    ['AdamW', () => adamw({ learningRate: 0.02, schedule: { kind: 'linear', totalSteps: 20, warmupSteps: 2 } })],
    ['SgdMomentum', () => sgdMomentum({ learningRate: 0.2, momentum: 0.9, weightDecay: 0.01, schedule: { kind: 'constant', value: 0.5 } })],
    ['DanaMK4', () => new DanaMK4({ learningRate: 0.02, clipSNR: Infinity })],
  ] as [string, () => tf.Optimizer][]) {
    it(name, async () => {
      const { x, y } = dataset();
      const a = mlp(5);
      a.compile({ optimizer: make(), loss: 'binaryCrossentropy' });
      await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, shuffle: false });
      const artifacts = await saveToMemory(a);
      const b = await tfl.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(b.optimizer.getClassName()).toBe(name);
      expect(b.optimizer.getConfig()).toEqual(a.optimizer.getConfig());
      await a.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, shuffle: false });
      await b.fit(x, y, { epochs: 2, batchSize: 16, verbose: 0, shuffle: false });
      const wa = await Promise.all(a.getWeights().map((w) => w.data()));
      const wb = await Promise.all(b.getWeights().map((w) => w.data()));
      wa.forEach((w, i) => expect(Array.from(wb[i]!)).toEqual(Array.from(w)));
      a.optimizer.dispose();
      b.optimizer.dispose();
      a.dispose();
      b.dispose();
      tf.dispose([x, y]);
    });
  }
});

/** One instance of every class with only the required options, and the options it needs besides. */
const ALL: [string, () => FusedOptimizer][] = [
  ['Adana', () => adana({ learningRate: 0.02, totalSteps: 50 })],
  ['Adana (constant weightDecay)', () => adana({ learningRate: 0.02, weightDecay: 0.01 })],
  ['DanaMK4', () => new DanaMK4({ learningRate: 0.02 })],
  ['DanaStar', () => new DanaStar({ learningRate: 0.02 })],
  ['DanaStarMK4', () => new DanaStarMK4({ learningRate: 0.02, totalSteps: 50 })],
  ['Dana', () => dana({ learningRate: 0.05 })],
  ['Dana (constant)', () => dana({ learningRate: 0.05, variant: 'constant', d: 20 })],
  ['AdamW', () => adamw({ learningRate: 0.05 })],
  ['AdEMAMix', () => ademamix({ learningRate: 0.05 })],
  ['SgdMomentum', () => sgdMomentum({ learningRate: 0.1, weightDecay: 0.05 })],
  ['Muon', () => muon({ learningRate: 0.05 })],
  ['Muon (dMuon)', () => muon({ learningRate: 0.05, scaling: 'dMuon' })],
];

/** Runs `opt` for 4 steps on a [4, 3] weight and a [3] bias from seeded values; returns both (bit patterns). */
async function trajectory(opt: FusedOptimizer): Promise<number[]> {
  const rng = createRng(19);
  const w = tf.variable(tf.tensor2d(Float32Array.from(rng.normalArray(12)), [4, 3]), true, uniqueName('cfg_w'));
  const b = tf.variable(tf.tensor1d(Float32Array.from(rng.normalArray(3))), true, uniqueName('cfg_b'));
  for (let t = 0; t < 4; t++) {
    tf.tidy(() => opt.applyGradients({ [w.name]: tf.tensor2d(Float32Array.from(rng.normalArray(12)), [4, 3]), [b.name]: tf.tensor1d(Float32Array.from(rng.normalArray(3))) }));
  }
  const out = [...(await w.data()), ...(await b.data())];
  tf.dispose([w, b]);
  opt.dispose();
  return out;
}

describe('saved configs include the defaults', () => {
  it.each(ALL)('%s: getConfig writes every resolved option; the JSON round trip rebuilds them', (_label, make) => {
    const opt = make();
    const config = opt.getConfig();
    expect(config.configVersion).toBe(2);
    const cls = opt.constructor as typeof AdamW;
    const back = cls.fromConfig(cls, JSON.parse(JSON.stringify(config)) as tf.serialization.ConfigDict) as FusedOptimizer;
    expect(back.resolvedOptions).toEqual(opt.resolvedOptions);
    expect(back.getConfig()).toEqual(config);
    // Every option the user did not pass is there, with its default (no key of the class is left unresolved but
    // those that are off when absent).
    for (const key of ['nonFinite', 'kernel', 'noDecay', 'schedule']) expect(config).toHaveProperty(key);
    opt.dispose();
    back.dispose();
  });

  describeEachBackend('the saved defaults are the ones the update uses', () => {
    it.each(ALL)('%s: an optimizer built from its resolved options follows the same trajectory, bit for bit', async (_label, make) => {
      const opt = make();
      const cls = opt.constructor as new (o: unknown) => FusedOptimizer;
      const explicit = new cls(opt.resolvedOptions);
      expect(await trajectory(explicit)).toEqual(await trajectory(opt));
    });
  });

  it("DanaMK4 clipSNR: Infinity (no clip) survives the JSON config (it used to reload as the default clip 2)", () => {
    const opt = new DanaMK4({ learningRate: 0.02, clipSNR: Infinity });
    const back = DanaMK4.fromConfig(DanaMK4, JSON.parse(JSON.stringify(opt.getConfig())) as tf.serialization.ConfigDict) as DanaMK4;
    expect(back.resolvedOptions.clipSNR).toBe(Infinity);
    opt.dispose();
    back.dispose();
  });

  it('a schedule spec is saved with its own defaults and rebuilds the same factor at every step', () => {
    const opt = adamw({ learningRate: 0.1, schedule: { kind: 'warmupCosine', totalSteps: 200 } });
    expect(opt.getConfig().schedule).toEqual({ kind: 'warmupCosine', totalSteps: 200, warmupSteps: 4, floor: 0.1, initial: 0.01 });
    const back = AdamW.fromConfig(AdamW, JSON.parse(JSON.stringify(opt.getConfig())) as tf.serialization.ConfigDict) as AdamW;
    for (let t = 1; t <= 210; t++) expect(back.scheduleFactor(t)).toBe(opt.scheduleFactor(t));
    opt.dispose();
    back.dispose();
  });

  it("an old SgdMomentum config (no configVersion) loads with 0.1.x's defaults: μ 0.9, decoupled decay, noDecay 'auto'", () => {
    const old = SgdMomentum.fromConfig(SgdMomentum, { learningRate: 0.1, weightDecay: 0.01 }) as SgdMomentum;
    expect(old.resolvedOptions).toMatchObject({ momentum: 0.9, decoupledWeightDecay: true, noDecay: 'auto', weightDecay: 0.01, nesterov: false });
    const mu = SgdMomentum.fromConfig(SgdMomentum, { learningRate: 0.1, momentum: 0.5 }) as SgdMomentum;
    expect(mu.resolvedOptions.momentum).toBe(0.5);
    const now = sgdMomentum({ learningRate: 0.1 });
    expect(now.resolvedOptions).toMatchObject({ momentum: 0, decoupledWeightDecay: false, noDecay: [], weightDecay: 0, nesterov: false });
    for (const o of [old, mu, now]) o.dispose();
  });
});

describe('a function schedule is refused when the optimizer is saved', () => {
  const message = /AdamW: getConfig: option 'schedule' is a function, which cannot be saved .*Pass a serialisable schedule spec instead: \{ kind: 'warmupCosine'/;

  it('getConfig throws, naming the option and the spec alternative', () => {
    const opt = adamw({ learningRate: 0.1, schedule: (t) => 1 / t });
    expect(() => opt.getConfig()).toThrow(message);
    opt.dispose();
  });

  it('model.save with includeOptimizer rejects; without it the model saves (the optimizer is not written)', async () => {
    const model = mlp(3);
    model.compile({ optimizer: adamw({ learningRate: 0.1, schedule: (t) => 1 / t }), loss: 'meanSquaredError' });
    await expect(saveToMemory(model)).rejects.toThrow(message);
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    expect(saved?.modelTopology).toBeDefined();
    expect(saved?.trainingConfig).toBeUndefined();
    model.optimizer.dispose();
    model.dispose();
  });
});

it('every optimizer class is registered for deserialization', () => {
  for (const cls of [Adana, DanaMK4, DanaStar, DanaStarMK4, Dana, AdamW, AdEMAMix, SgdMomentum, Muon]) {
    expect(tf.serialization.SerializationMap.getMap().classNameMap[cls.className]).toBeDefined();
  }
});

describeEachBackend(
  'webgpu: skipped steps are counted on the device and reported without a readback per step',
  () => {
    it('several non-finite steps issued back to back are all skipped and reported (one warning may cover several)', async () => {
      const name = uniqueName('nanrun');
      const v = tf.variable(tf.ones([8]), true, name);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      const opt = adamw({ learningRate: 0.1, clipNorm: 0.5 });
      const bad = tf.tensor1d([1, 2, Number.NaN, 4, 5, 6, 7, 8]);
      const inf = tf.tensor1d([1, 2, 3, 4, 5, 6, 7, Number.NEGATIVE_INFINITY]);
      const good = tf.tensor1d([1, -2, 3, -4, 5, -6, 7, -8]);
      // No await between steps: the counter is read at most once at a time.
      for (const g of [bad, good, inf, bad, good]) opt.applyGradients({ [name]: g });
      for (let k = 0; k < 50; k++) {
        await new Promise((r) => setTimeout(r, 10));
        const all = warn.mock.calls.map((c) => String(c[0])).join('\n');
        if (/at step 4/.test(all)) break;
      }
      const text = warn.mock.calls.map((c) => String(c[0])).join('\n');
      expect(text).toMatch(/non-finite gradient at step (1|4)/);
      expect(text).toMatch(/at step 4/);
      warn.mockRestore();
      // The good steps were applied; the step counter advances on every step (skipped ones included) on webgpu.
      expect((await v.data())[0]).not.toBe(1);
      expect(opt.iterations).toBe(5);
      tf.dispose([v, bad, inf, good]);
      opt.dispose();
    });
  },
  ['webgpu'],
);
