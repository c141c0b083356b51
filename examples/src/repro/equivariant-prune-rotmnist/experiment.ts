/**
 * The rotated-MNIST experiment (science -> data): a C4-equivariant CNN (lifting and regular-field group
 * convolutions with G-invariant biases, an equivariant 2x2 max pool, invariant pooling, a dense head) trained on
 * 14x14 MNIST digits under random quarter turns, then one random overparametrized C4 CNN per stage and for the head
 * pruned by subset sum to the trained target (no training of the random network). The result is plain data: logits,
 * accuracies, invariance errors and parameter counts; index.ts judges it and figures.ts draws it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import {
  type ConvFilterSet,
  type EquivariantBasis,
  type EquivariantLayer,
  type EquivariantNetwork,
  basisNorm,
  buildRandomNetwork,
  convFilters,
  convKernelFromCoeffs,
  equivarianceErrorF64,
  filterSetTensor,
  groupConvBasis,
  hiddenCopiesFor,
  identityFilterSet,
  imageGroup,
  invariantVectors,
  onesVector,
  biasFromCoeffs,
  convBiasChannels,
  imageNetworkForwardTf,
  layerForwardFromCoeffs,
  mlpBasis,
  networkForwardTf,
  parameterReport,
  pruneToTarget,
} from '@lemma/equivariant-prune';
import { adamw } from '@lemma/optim';
import { loadMnistSubset } from '../../fixtures/mnist';
import type { ReproContext } from '../../types';
import { cosineDecay, TFJS_ADAM_EPS } from '../../lib/learning-rate';
import { timedTrainSteps } from '../../lib/timed-train-steps';
import { defineSeed } from '../../lib/seeds';
import { conv3x3Same } from '../../lib/models/conv3x3-same';

/** The seed of a stage's random network. */
export const stageRandomSeed = defineSeed('stageRandom', 'base + 101 + stage', (base: number, stage: number) => base + 101 + stage);
/** The seed of the head's random network. */
export const headRandomSeed = defineSeed('headRandom', 'base + 110', (base: number) => base + 110);

/** 28x28 -> 14x14 by 2x2 averaging, then rotate by r·90° (r per image). */
export function prepareDigits(x: Float32Array, n: number, rots: Uint8Array): Float32Array {
  const out = new Float32Array(n * 196);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < 14; a++) {
      for (let b = 0; b < 14; b++) {
        const o = i * 784 + 2 * a * 28 + 2 * b;
        const v = (x[o]! + x[o + 1]! + x[o + 28]! + x[o + 29]!) / 4;
        let p = a;
        let q = b;
        for (let t = 0; t < rots[i]!; t++) [p, q] = [q, 13 - p];
        out[i * 196 + p * 14 + q] = v;
      }
    }
  }
  return out;
}

/** One image layer of the C4 target: its basis, conv filters and copies. */
interface ConvSpec {
  basis: EquivariantBasis;
  set: ConvFilterSet;
  self: EquivariantBasis;
  selfSet: ConvFilterSet;
  cIn: number;
  cOut: number;
}

/** The sizes of one run. */
export interface RotMnistPlan {
  /** Copies C of each C4 conv layer (regular fields), and hidden units H of the dense head. */
  channels: number;
  head: number;
  epochs: number;
  /** Training and test digits of the fixture (undefined: all of them); the logits figure shows the first 150 test digits. */
  trainDigits?: number;
  testDigits?: number;
  /** Test digits on which the masked (unfolded) ticket is evaluated, and on which quarter-turn invariance is checked (≤ testDigits). */
  maskedDigits: number;
  invarianceDigits: number;
  /** The pruning's target error ε. */
  eps: number;
}

/** What one run of the experiment measures (plain data: no Vega, no judgement). */
export interface RotMnistData {
  /** Test digits evaluated. */
  nTest: number;
  /** Logits of the trained target and of the pruned (folded) ticket on the test digits, row-major [nTest, 10]. */
  targetLogits: Float32Array;
  prunedLogits: Float32Array;
  /** Test accuracy of the target and of the pruned ticket. */
  targetAccuracy: number;
  prunedAccuracy: number;
  /** Test digits on which target and pruned ticket predict the same class. */
  agreements: number;
  /** Largest |target logit − pruned logit| over the test digits. */
  maxLogitGap: number;
  /** Largest |target logit| over the invariance digits (the scale invariance errors are read against). */
  maxAbsLogit: number;
  /** Largest |masked ticket − folded ticket| logit on the masked digits. */
  maskedVsFoldedGap: number;
  /** Largest |logit(one more quarter turn) − logit(x)| of the target, the pruned ticket and the masked ticket (float32). */
  invarianceTarget: number;
  invariancePruned: number;
  invarianceMasked: number;
  /** Equivariance error of each stage's masked ticket in float64 on the 5x5 torus (largest over stages). */
  equivarianceF64: number;
  /** Samples per coefficient m, per layer (conv stages, then the head). */
  samples: number[];
  /** Equivariant parameters summed over the stages and the head. */
  params: { target: number; random: number; kept: number; lowerBound: number };
  /** Largest error of a pruned coefficient. */
  maxCoeffError: number;
  trainMs: number;
  pruneMs: number;
  evalMs: number;
  seeds: Record<string, number>;
}

/** Trains the C4 target of a plan, prunes random C4 networks to it and measures both on rotated test digits. */
export async function runRotMnist(ctx: Pick<ReproContext, 'seed' | 'progress'>, plan: RotMnistPlan): Promise<RotMnistData> {
  const C = plan.channels;
  const H = plan.head;
  const data = loadMnistSubset();
  const nTrain = Math.min(plan.trainDigits ?? data.train.n, data.train.n);
  const nTest = Math.min(plan.testDigits ?? data.test.n, data.test.n);
  const epochs = plan.epochs;
  const rng = createRng(ctx.seed, 21);
  const rotTrain = Uint8Array.from({ length: nTrain }, () => rng.int(4));
  const rotTest = Uint8Array.from({ length: nTest }, () => rng.int(4));
  // The fixture is class-balanced and may be ordered: shuffle the training digits once.
  const order = rng.shuffle(Array.from({ length: data.train.n }, (_, i) => i)).slice(0, nTrain);
  const shuffledX = new Float32Array(nTrain * 784);
  order.forEach((j, i) => shuffledX.set(data.train.x.subarray(j * 784, (j + 1) * 784), i * 784));
  const yTrain = Uint8Array.from(order, (j) => data.train.y[j]!);
  const xTrainRaw = prepareDigits(shuffledX, nTrain, rotTrain);
  // Input centering by one scalar mean and scale (training statistics): a constant shift is C4-invariant,
  // and the zero padding frame is mapped to itself by quarter turns, so the network stays exactly invariant.
  let mean = 0;
  for (const v of xTrainRaw) mean += v / xTrainRaw.length;
  let sd = 0;
  for (const v of xTrainRaw) sd += (v - mean) ** 2 / xTrainRaw.length;
  sd = Math.sqrt(sd);
  const center = (x: Float32Array): Float32Array => x.map((v) => (v - mean) / sd);
  const xTrain = center(xTrainRaw);
  const xTest = center(prepareDigits(data.test.x, nTest, rotTest));
  const yTest = data.test.y.subarray(0, nTest);

  const g = imageGroup('C4', 5, { translations: true });
  const lift = groupConvBasis(g, { from: 'scalar', to: 'regular', kernel: 3 });
  const reg = groupConvBasis(g, { from: 'regular', to: 'regular', kernel: 3 });
  const scal = groupConvBasis(g, { from: 'scalar', to: 'scalar', kernel: 3 });
  const liftSet: ConvFilterSet = { ...convFilters(lift, g, 3), kernel: 3 };
  const regSet: ConvFilterSet = { ...convFilters(reg, g, 3), kernel: 3 };
  const scalSet: ConvFilterSet = { ...convFilters(scal, g, 3), kernel: 3 };
  const head = mlpBasis();
  // G-invariant biases: the fixed vectors of a regular field with translations (one: all ones), i.e. one
  // scalar per copy shared by its 4 orientation channels; for the dense head (trivial group) the vector [1].
  const regBias = invariantVectors(g.regularField());
  const headBias = [onesVector(1)];
  const regChan = convBiasChannels(regBias, regSet); // [1, 1, 1, 1]
  // Two conv stages (14x14, then 7x7 after an exactly C4-equivariant 2x2 max pool on the even 14x14 grid),
  // invariant pooling (mean and max over pixels, then max over orientations), then a dense head 2C -> H -> 10.
  const stages: ConvSpec[][] = [
    [
      { basis: lift, set: liftSet, self: scal, selfSet: scalSet, cIn: 1, cOut: C },
      { basis: reg, set: regSet, self: reg, selfSet: regSet, cIn: C, cOut: C },
    ],
    Array.from({ length: 2 }, () => ({ basis: reg, set: regSet, self: reg, selfSet: regSet, cIn: C, cOut: C })),
  ];
  const headWidths = [2 * C, H, 10];

  // Train the C4-equivariant target (coefficients and bias coefficients, clipped to [-1, 1]).
  const init = (n: number, fan: number) => tf.variable(tf.tensor1d(Float32Array.from(rng.uniformArray(n), (u) => (2 * u - 1) * Math.sqrt(6 / fan))));
  const convVars = stages.map((st) => st.map((l) => ({ w: init(l.cOut * l.cIn * l.basis.elements.length, l.cIn * l.set.inChannels * 9), b: tf.variable(tf.zeros([l.cOut])) as tf.Variable })));
  const headVars = [0, 1].map((i) => ({ w: init(headWidths[i + 1]! * headWidths[i]!, headWidths[i]! * (i === 0 ? 1 : 2)), b: tf.variable(tf.zeros([headWidths[i + 1]!])) as tf.Variable }));
  const filters = stages.map((st) => st.map((l) => filterSetTensor(l.set)));
  const chan = tf.tensor2d(regChan, [1, 4]);
  const ones11 = tf.ones([1, 1]) as tf.Tensor2D;
  const pool2 = (h: tf.Tensor4D): tf.Tensor4D => tf.maxPool(h, 2, 2, 'valid');
  const invariantPool = (h: tf.Tensor4D): tf.Tensor2D =>
    tf.concat([tf.max(tf.reshape(tf.mean(h, [1, 2]), [-1, C, 4]), 2), tf.max(tf.reshape(tf.max(h, [1, 2]), [-1, C, 4]), 2)], 1) as tf.Tensor2D;
  const logitsOf = (x: tf.Tensor4D): tf.Tensor2D => {
    let h: tf.Tensor4D = x;
    stages.forEach((st, si) => {
      if (si > 0) h = pool2(h);
      st.forEach((l, li) => {
        const v = convVars[si]![li]!;
        const bias = tf.reshape(tf.matMul(tf.reshape(v.b, [l.cOut, 1]), chan), [l.cOut * 4]);
        h = tf.relu(tf.add(conv3x3Same(h, convKernelFromCoeffs(l.set, l.cIn, l.cOut, v.w, filters[si]![li]!)), bias)) as tf.Tensor4D;
      });
    });
    let z = invariantPool(h);
    headVars.forEach((v, i) => {
      z = tf.add(layerForwardFromCoeffs(head, headWidths[i]!, headWidths[i + 1]!, v.w, z), biasFromCoeffs(headWidths[i + 1]!, v.b, ones11));
      if (i === 0) z = tf.relu(z);
    });
    return z;
  };
  const allVars = [...convVars.flat().flatMap((v) => [v.w, v.b]), ...headVars.flatMap((v) => [v.w, v.b])];
  const lr0 = 0.002;
  const batch = 32;
  const perEpoch = Math.floor(nTrain / batch);
  const steps = epochs * perEpoch;
  // Adam (no weight decay, tfjs' ε) with a cosine decay to 5% that the optimizer evaluates per step, so the step replays.
  const opt = adamw({ learningRate: lr0, weightDecay: 0, eps: TFJS_ADAM_EPS, schedule: cosineDecay(steps, 0.05) });
  const bar = ctx.progress('train C4 target', steps);
  const tTrain = performance.now();
  let ticked = 0;
  await timedTrainSteps(
    ([xb, yb]) => {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(yb!, logitsOf(xb as tf.Tensor4D)) as tf.Scalar, true)!;
      tf.tidy(() => {
        for (const v of allVars) v.assign(tf.clipByValue(v, -1, 1));
      });
      return loss;
    },
    (i) => {
      const start = (i % perEpoch) * batch;
      return tf.tidy(() => [tf.tensor4d(xTrain.subarray(start * 196, (start + batch) * 196), [batch, 14, 14, 1]), tf.oneHot(tf.tensor1d(yTrain.subarray(start, start + batch), 'int32'), 10)]);
    },
    {
      steps,
      readEvery: 20,
      onProgress: (p) => {
        bar.tick(p.step + 1 - ticked, `loss ${p.loss.toFixed(3)}`);
        ticked = p.step + 1;
      },
      run: `c4-target-seed${ctx.seed}`,
    },
  );
  bar.done();
  const trainMs = performance.now() - tTrain;
  const f64 = async (v: tf.Variable) => Float64Array.from(await v.data());
  const stageTargets: EquivariantNetwork[] = [];
  for (const [si, st] of stages.entries()) {
    const layers: EquivariantLayer[] = [];
    for (const [li, l] of st.entries()) {
      const v = convVars[si]![li]!;
      layers.push({ basis: l.basis, cIn: l.cIn, cOut: l.cOut, coeffs: await f64(v.w), bias: { vectors: regBias, coeffs: await f64(v.b) } });
    }
    stageTargets.push({ layers });
  }
  const headLayers: EquivariantLayer[] = [];
  for (const [i, v] of headVars.entries()) headLayers.push({ basis: head, cIn: headWidths[i]!, cOut: headWidths[i + 1]!, coeffs: await f64(v.w), bias: { vectors: headBias, coeffs: await f64(v.b) } });
  const headTarget: EquivariantNetwork = { layers: headLayers };
  tf.dispose([...allVars, ...filters.flat(), chan, ones11]);
  opt.dispose();

  // The construction: one random network per stage and for the head, pruned by subset sum (no training).
  const eps = plan.eps;
  // The rule's constant (the theory leaves it unspecified): 1.3 keeps the heavy tail of the products λ·μ rare
  // while meet in the middle over m ≈ 27 samples stays fast (its cost grows as 2^(m/2)).
  const c = 1.3;
  const L = stages.flat().length + headWidths.length - 1;
  const t0 = performance.now();
  const prunedStages = stageTargets.map((t, si) => {
    const norms = stages[si]!.map((l) => basisNorm(l.basis).norm);
    const ms = t.layers.map((l, li) => Math.min(40, hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: l.basis.elements.length, basisNorm: norms[li]!, depth: L, eps, c })));
    const random = buildRandomNetwork(t, { samples: ms, seed: stageRandomSeed(ctx.seed, si), selfBases: stages[si]!.map((l) => l.self) });
    return { ms, pruned: pruneToTarget(t, random, { basisNorms: norms }) };
  });
  const mHead = headTarget.layers.map((l) => hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: 1, basisNorm: 1, depth: L, eps, c }));
  const headPruned = pruneToTarget(headTarget, buildRandomNetwork(headTarget, { samples: mHead, seed: headRandomSeed(ctx.seed), selfBases: [head, head] }), { basisNorms: [1, 1] });
  const pruneMs = performance.now() - t0;

  const setsFor = (si: number, which: 'target' | 'pruned' | 'masked'): ConvFilterSet[] =>
    stages[si]!.flatMap((l) => {
      if (which === 'target') return [l.set];
      if (which === 'pruned') return [identityFilterSet(l.set.inChannels), l.set];
      return [l.selfSet, l.set];
    });
  const netFor = (si: number, which: 'target' | 'pruned' | 'masked'): EquivariantNetwork =>
    which === 'target' ? stageTargets[si]! : which === 'pruned' ? prunedStages[si]!.pruned.folded : prunedStages[si]!.pruned.network;
  const headFor = (which: 'target' | 'pruned' | 'masked'): EquivariantNetwork => (which === 'target' ? headTarget : which === 'pruned' ? headPruned.folded : headPruned.network);
  const evalLogits = async (x: Float32Array, n: number, which: 'target' | 'pruned' | 'masked'): Promise<Float32Array> => {
    const out = new Float32Array(n * 10);
    const chunk = which === 'masked' ? 4 : 100;
    for (let s = 0; s < n; s += chunk) {
      const k = Math.min(chunk, n - s);
      const y = tf.tidy(() => {
        let h = tf.tensor4d(x.subarray(s * 196, (s + k) * 196), [k, 14, 14, 1]);
        stages.forEach((_, si) => {
          if (si > 0) h = pool2(h);
          h = tf.relu(imageNetworkForwardTf(netFor(si, which), setsFor(si, which), h));
        });
        return networkForwardTf(headFor(which), invariantPool(h));
      });
      out.set(await y.data(), s * 10);
      y.dispose();
    }
    return out;
  };
  const accuracy = (logits: Float32Array, y: Uint8Array): number => {
    let ok = 0;
    for (let i = 0; i < y.length; i++) {
      let best = 0;
      for (let k = 1; k < 10; k++) if (logits[i * 10 + k]! > logits[i * 10 + best]!) best = k;
      if (best === y[i]) ok++;
    }
    return ok / y.length;
  };
  const tEval = performance.now();
  const lt = await evalLogits(xTest, nTest, 'target');
  const lp = await evalLogits(xTest, nTest, 'pruned');
  let maxDiff = 0;
  let agree = 0;
  for (let i = 0; i < nTest; i++) {
    let bt = 0;
    let bp = 0;
    for (let k = 0; k < 10; k++) {
      maxDiff = Math.max(maxDiff, Math.abs(lt[i * 10 + k]! - lp[i * 10 + k]!));
      if (lt[i * 10 + k]! > lt[i * 10 + bt]!) bt = k;
      if (lp[i * 10 + k]! > lp[i * 10 + bp]!) bp = k;
    }
    if (bt === bp) agree++;
  }
  // The folded form is the masked random network with each input copy's kept hidden copies summed; check on a few digits.
  const nCheck = plan.maskedDigits;
  const lm = await evalLogits(xTest, nCheck, 'masked');
  let foldGap = 0;
  for (let i = 0; i < nCheck * 10; i++) foldGap = Math.max(foldGap, Math.abs(lm[i]! - lp[i]!));
  // Invariance: logits of the same digits rotated by one more quarter turn (masked ticket on a few of them).
  const nInv = plan.invarianceDigits;
  const rot1 = center(prepareDigits(data.test.x, nInv, Uint8Array.from(rotTest.subarray(0, nInv), (r) => (r + 1) % 4)));
  const invT = await evalLogits(rot1, nInv, 'target');
  const invP = await evalLogits(rot1, nInv, 'pruned');
  const invM = await evalLogits(rot1, nCheck, 'masked');
  let eqT = 0;
  let eqP = 0;
  let eqM = 0;
  let scale = 0;
  for (let i = 0; i < nInv * 10; i++) {
    eqT = Math.max(eqT, Math.abs(invT[i]! - lt[i]!));
    eqP = Math.max(eqP, Math.abs(invP[i]! - lp[i]!));
    scale = Math.max(scale, Math.abs(lt[i]!));
  }
  for (let i = 0; i < nCheck * 10; i++) eqM = Math.max(eqM, Math.abs(invM[i]! - lm[i]!));
  const evalMs = performance.now() - tEval;
  // Exactness in float64: the masked ticket of each stage, read on the 5x5 torus its bases are defined on
  // (same coefficients, circular padding), checked on the generators of C4 x translations.
  const eqRng = createRng(ctx.seed, 23);
  const eqF64 = Math.max(
    ...prunedStages.map((p, si) => {
      const aIn = si === 0 ? g.scalarField() : g.regularField();
      const x = eqRng.normalArray(2 * stages[si]![0]!.cIn * aIn.dim);
      return equivarianceErrorF64(p.pruned.network, aIn, g.regularField(), x, 2, 8);
    }),
  );
  const reps = [...prunedStages.map((p, si) => parameterReport(stageTargets[si]!, p.pruned.network, eps)), parameterReport(headTarget, headPruned.network, eps)];
  const sum = (k: 'target' | 'random' | 'kept' | 'lowerBound') => reps.reduce((a, r) => a + r[k], 0);
  const accT = accuracy(lt, yTest);
  const accP = accuracy(lp, yTest);
  return {
    nTest,
    targetLogits: lt,
    prunedLogits: lp,
    targetAccuracy: accT,
    prunedAccuracy: accP,
    agreements: agree,
    maxLogitGap: maxDiff,
    maxAbsLogit: scale,
    maskedVsFoldedGap: foldGap,
    invarianceTarget: eqT,
    invariancePruned: eqP,
    invarianceMasked: eqM,
    equivarianceF64: eqF64,
    samples: [...prunedStages.flatMap((p) => p.ms), ...mHead],
    params: { target: sum('target'), random: sum('random'), kept: sum('kept'), lowerBound: sum('lowerBound') },
    maxCoeffError: Math.max(...prunedStages.flatMap((p) => p.pruned.layers.map((r) => r.maxCoeffError)), ...headPruned.layers.map((r) => r.maxCoeffError)),
    trainMs,
    pruneMs,
    evalMs,
    seeds: { base: ctx.seed, rotations: ctx.seed, stageRandom: stageRandomSeed(ctx.seed, 0), headRandom: headRandomSeed(ctx.seed) },
  };
}
