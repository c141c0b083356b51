/**
 * The set-task experiment (science -> data): DeepSets targets (two S_n-equivariant layers, a set readout and a dense
 * layer, with G-invariant biases) trained on set-sum and set-max of n = 6 uniform inputs in [-1, 1], then a random
 * overparametrized DeepSets network pruned by subset sum to each target (no training of the random network), both
 * evaluated in float64 on test sets. index.ts judges the result and figures.ts draws it.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import {
  type EquivariantNetwork,
  basisNorm,
  buildRandomNetwork,
  deepSetsBasis,
  equivarianceErrorF64,
  estimateSupError,
  hiddenCopiesFor,
  onesVector,
  biasFromCoeffs,
  biasVectorsTensor,
  layerForwardFromCoeffs,
  mlpBasis,
  networkForwardF64,
  parameterReport,
  pruneToTarget,
  setReadoutBasis,
  symmetricGroup,
} from '@lemma/equivariant-prune';
import { adamw } from '@lemma/optim';
import type { ReproContext } from '../../types';
import { cosineDecay, TFJS_ADAM_EPS } from '../../lib/learning-rate';
import { timedTrainSteps } from '../../lib/timed-train-steps';
import { defineSeed } from '../../lib/seeds';

/** The seed of a task's random network (task 0 sum, 1 max). */
export const setsRandomSeed = defineSeed('random', 'base + 40 + task', (base: number, task: number) => base + 40 + task);

export interface SetsPlan {
  /** Hidden channels C of the DeepSets target (widths 1, C, C, C, 1). */
  width: number;
  /** Adam steps of each target's training (batches of 128 sets). */
  steps: number;
  /** Test sets (at least 20: the invariance check reads the first 20). */
  testSets: number;
  /** The pruning's target error ε. */
  eps: number;
}

/** Elements per set. */
export const SET_SIZE = 6;

/** The two tasks, in the order they run. */
export const SET_TASKS = ['sum', 'max'] as const;
export type SetTask = (typeof SET_TASKS)[number];

/** The label of one set: its mean (set-sum, scaled by 1/n) or its largest element (set-max). */
export const setLabel = (task: SetTask, s: Float32Array): number => (task === 'sum' ? s.reduce((a, b) => a + b, 0) / s.length : Math.max(...s));

/** What one task measured (float64 forwards on the test sets). */
export interface SetTaskResult {
  task: SetTask;
  /** Test mean squared error of the target and of the pruned network, and the labels' variance. */
  mseTarget: number;
  msePruned: number;
  variance: number;
  /** Largest |target − pruned| output over the test sets. */
  maxGap: number;
  /** Largest |f(πx) − f(x)| of the pruned network over all permutations of the first 20 test sets. */
  invariance: number;
  /** Estimated sup error of the pruned network over the unit ball. */
  supError: number;
  /** Largest error of a pruned coefficient. */
  maxCoeffError: number;
  /** Samples per coefficient m, per layer. */
  samples: number[];
  params: { target: number; random: number; kept: number };
  /** Target and pruned outputs on the first 300 test sets. */
  outputs: { target: number; pruned: number }[];
}

/** What the experiment measured (plain data). */
export interface SetsData {
  /** Elements per set. */
  n: number;
  tasks: SetTaskResult[];
  seeds: Record<string, number>;
}

/** Trains a DeepSets target per task, prunes a random DeepSets network to it and measures both on test sets. */
export async function runSetTasks(ctx: Pick<ReproContext, 'seed' | 'progress'>, plan: SetsPlan): Promise<SetsData> {
  const n = SET_SIZE;
  const C = plan.width;
  const results: SetTaskResult[] = [];
  const bases = [deepSetsBasis(n), deepSetsBasis(n), setReadoutBasis(n), mlpBasis()];
  const widths = [1, C, C, C, 1];
  const selfBases = [deepSetsBasis(n), deepSetsBasis(n), deepSetsBasis(n), mlpBasis()];
  // G-invariant biases: S_n acts transitively on a set, so one scalar per copy times the all-ones vector;
  // after the readout the space is R^1 (trivial action), so the vector [1].
  const biasVectors = bases.map((b) => [onesVector(b.dOut)]);
  const steps = plan.steps;
  for (const [ti, task] of SET_TASKS.entries()) {
    const rng = createRng(ctx.seed, 31 + ti);
    const sample = (count: number): { x: Float32Array; y: Float32Array } => {
      const x = Float32Array.from(rng.uniformArray(count * n), (u) => 2 * u - 1);
      const y = new Float32Array(count);
      for (let i = 0; i < count; i++) y[i] = setLabel(task, x.subarray(i * n, (i + 1) * n));
      return { x, y };
    };
    const vars = bases.map((b, i) => tf.variable(tf.tensor1d(Float32Array.from(rng.uniformArray(widths[i + 1]! * widths[i]! * b.elements.length), (u) => (2 * u - 1) * Math.sqrt(3 / (widths[i]! * b.elements.length))))));
    const biasVars = bases.map((_, i) => tf.variable(tf.zeros([widths[i + 1]!])) as tf.Variable);
    const biasTensors = biasVectors.map((vs) => biasVectorsTensor(vs));
    const stacks = bases.map((b) => {
      const d = new Float32Array(b.dIn * b.elements.length * b.dOut);
      b.elements.forEach((e, k) => e.values.forEach((v, t) => (d[e.colIdx[t]! * b.elements.length * b.dOut + k * b.dOut + e.rowIdx[t]!]! += v)));
      return tf.tensor2d(d, [b.dIn, b.elements.length * b.dOut]);
    });
    const forward = (x: tf.Tensor2D): tf.Tensor2D => {
      let h = x;
      bases.forEach((b, i) => {
        h = tf.add(layerForwardFromCoeffs(b, widths[i]!, widths[i + 1]!, vars[i]!, h, stacks[i]), biasFromCoeffs(widths[i + 1]!, biasVars[i]!, biasTensors[i]!));
        if (i < bases.length - 1) h = tf.relu(h);
      });
      return h;
    };
    const lr0 = 0.01;
    // Adam (no weight decay, tfjs' ε) with a cosine decay to 2% that the optimizer evaluates per step, so the step replays.
    const opt = adamw({ learningRate: lr0, weightDecay: 0, eps: TFJS_ADAM_EPS, schedule: cosineDecay(steps, 0.02) });
    const bar = ctx.progress(`train set-${task} target`, steps);
    let ticked = 0;
    await timedTrainSteps(
      ([yb, xb]) => {
        const loss = opt.minimize(() => tf.losses.meanSquaredError(yb!, forward(xb as tf.Tensor2D)) as tf.Scalar, true)!;
        tf.tidy(() => {
          for (const v of [...vars, ...biasVars]) v.assign(tf.clipByValue(v, -1, 1));
        });
        return loss;
      },
      () => {
        const { x, y } = sample(128);
        return [tf.tensor2d(y, [128, 1]), tf.tensor2d(x, [128, n])];
      },
      {
        steps,
        readEvery: 50,
        onProgress: (p) => {
          bar.tick(p.step + 1 - ticked, `mse ${p.loss.toExponential(2)}`);
          ticked = p.step + 1;
        },
        run: `set-${task}-target-seed${ctx.seed}`,
      },
    );
    bar.done();
    const target: EquivariantNetwork = {
      layers: await Promise.all(
        bases.map(async (b, i) => ({
          basis: b,
          cIn: widths[i]!,
          cOut: widths[i + 1]!,
          coeffs: Float64Array.from(await vars[i]!.data()),
          bias: { vectors: biasVectors[i]!, coeffs: Float64Array.from(await biasVars[i]!.data()) },
        })),
      ),
    };
    tf.dispose([...vars, ...biasVars, ...biasTensors, ...stacks]);
    opt.dispose();
    const norms = bases.map((b) => basisNorm(b).norm);
    const eps = plan.eps;
    // c = 1.6: trained targets are not norm-1 (errors are amplified by prod ‖W_i‖), so more samples per coefficient
    // than for the unit-norm targets; capped at 30 to keep meet in the middle (2^(m/2) per half) fast.
    const samples = target.layers.map((l, i) => Math.min(30, hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: l.basis.elements.length, basisNorm: norms[i]!, depth: bases.length, eps, c: 1.6 })));
    const pruned = pruneToTarget(target, buildRandomNetwork(target, { samples, seed: setsRandomSeed(ctx.seed, ti), selfBases }), { basisNorms: norms });
    const nTest = plan.testSets;
    const test = sample(nTest);
    const xt = Float64Array.from(test.x);
    const yT = networkForwardF64(target, xt, nTest);
    const yP = networkForwardF64(pruned.network, xt, nTest);
    let mseT = 0;
    let mseP = 0;
    let gap = 0;
    let variance = 0;
    const outputs: SetTaskResult['outputs'] = [];
    const mean = test.y.reduce((a, b) => a + b, 0) / nTest;
    for (let i = 0; i < nTest; i++) {
      mseT += (yT[i]! - test.y[i]!) ** 2 / nTest;
      mseP += (yP[i]! - test.y[i]!) ** 2 / nTest;
      variance += (test.y[i]! - mean) ** 2 / nTest;
      gap = Math.max(gap, Math.abs(yT[i]! - yP[i]!));
      if (i < 300) outputs.push({ target: yT[i]!, pruned: yP[i]! });
    }
    const sg = symmetricGroup(n);
    const inv = equivarianceErrorF64(pruned.network, sg.set(), sg.invariant(), xt.subarray(0, 20 * n), 20, 720);
    const p = parameterReport(target, pruned.network, eps);
    const sup = estimateSupError(target, pruned.network, 256, 3).max;
    results.push({
      task,
      mseTarget: mseT,
      msePruned: mseP,
      variance,
      maxGap: gap,
      invariance: inv,
      supError: sup,
      maxCoeffError: Math.max(...pruned.layers.map((r) => r.maxCoeffError)),
      samples,
      params: { target: p.target, random: p.random, kept: p.kept },
      outputs,
    });
  }
  return { n, tasks: results, seeds: { base: ctx.seed, sum: setsRandomSeed(ctx.seed, 0), max: setsRandomSeed(ctx.seed, 1) } };
}
