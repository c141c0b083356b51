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
  basisStackTensor,
  biasVectorsTensor,
  kBiasFromCoeffs,
  kLayerForwardFromCoeffs,
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
import { readModelRows, stackModels } from '../../lib/stack-models';
import { defineCells, defineGroupedCells, expectOneGroup, hostCells } from '../../lib/cell-pool';
import { defineSeed } from '../../lib/seeds';
import { mean } from '../../lib/stats';

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
export const setLabel = (task: SetTask, s: Float32Array): number => (task === 'sum' ? mean(s) : Math.max(...s));

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

/** One task's training and pruning: plain data, so that it runs in a worker thread. */
export interface SetCell {
  task: SetTask;
  /** The task's index in {@link SET_TASKS} (its streams and its random network's seed derive from it). */
  taskIndex: number;
  seed: number;
  plan: SetsPlan;
}

/** A trained target as plain data (the bases are rebuilt from the plan), with the task's test sets. */
export interface TrainedSet {
  cell: SetCell;
  coeffs: Float64Array[];
  biases: Float64Array[];
  /** The test sets, drawn from the task's stream after training (as before cells existed), and their labels. */
  testX: Float32Array;
  testY: Float32Array;
}

/** The layers of a DeepSets network of hidden width C: bases, widths and G-invariant bias vectors. */
function setsArch(C: number) {
  const n = SET_SIZE;
  const bases = [deepSetsBasis(n), deepSetsBasis(n), setReadoutBasis(n), mlpBasis()];
  // G-invariant biases: S_n acts transitively on a set, so one scalar per copy times the all-ones vector;
  // after the readout the space is R^1 (trivial action), so the vector [1].
  return { bases, widths: [1, C, C, C, 1], biasVectors: bases.map((b) => [onesVector(b.dOut)]) };
}

/** Cells of the same group may differ only in their task: they share the architecture and the schedule. */
export const setsGroupKey = (c: SetCell): string => JSON.stringify([c.seed, c.plan]);

/**
 * Trains the targets of K tasks as K models at once (parameters with a leading model axis, one step, one replayed
 * step graph on webgpu; on cpu and wasm each task is its own group). Model k starts from task k's own initial
 * coefficients and reads task k's own stream of sets; the loss is the sum over models of each model's mean squared
 * error, so each model's gradient is exactly its lone gradient. Adam (no weight decay, tfjs' ε) with a cosine decay
 * to 2 % that the optimizer evaluates per step; coefficients are clipped to [-1, 1] after each step.
 */
export const setsTrainGroup = defineGroupedCells('equivariant-prune-sets/train', async (cells: SetCell[]): Promise<TrainedSet[]> => {
  expectOneGroup('setsTrainGroup', cells, setsGroupKey, 'task');
  const { plan } = cells[0]!;
  const n = SET_SIZE;
  const K = cells.length;
  const { bases, widths, biasVectors } = setsArch(plan.width);
  const rngs = cells.map((c) => createRng(c.seed, 31 + c.taskIndex));
  const sample = (k: number, count: number): { x: Float32Array; y: Float32Array } => {
    const x = Float32Array.from(rngs[k]!.uniformArray(count * n), (u) => 2 * u - 1);
    const y = new Float32Array(count);
    for (let i = 0; i < count; i++) y[i] = setLabel(cells[k]!.task, x.subarray(i * n, (i + 1) * n));
    return { x, y };
  };
  // Each task draws its initial coefficients from its own stream first, as a lone training does.
  const init = rngs.map((rng) => bases.map((b, i) => Float32Array.from(rng.uniformArray(widths[i + 1]! * widths[i]! * b.elements.length), (u) => (2 * u - 1) * Math.sqrt(3 / (widths[i]! * b.elements.length)))));
  // In tidy, so that the initial values the variables copy are disposed.
  const vars = tf.tidy(() => bases.map((_, i) => tf.variable(tf.tensor2d(stackModels(init.map((m) => m[i]!)), [K, init[0]![i]!.length]))));
  const biasVars = tf.tidy(() => bases.map((_, i) => tf.variable(tf.zeros([K, widths[i + 1]!]))));
  const biasTensors = biasVectors.map((vs) => biasVectorsTensor(vs));
  const stacks = bases.map((b) => basisStackTensor(b));
  const forward = (x: tf.Tensor3D): tf.Tensor3D => {
    let h = x;
    bases.forEach((b, i) => {
      h = tf.add(kLayerForwardFromCoeffs(b, widths[i]!, widths[i + 1]!, vars[i]!, h, stacks[i]), kBiasFromCoeffs(widths[i + 1]!, biasVars[i]!, biasTensors[i]!));
      if (i < bases.length - 1) h = tf.relu(h);
    });
    return h;
  };
  const opt = adamw({ learningRate: 0.01, weightDecay: 0, eps: TFJS_ADAM_EPS, schedule: cosineDecay(plan.steps, 0.02) });
  await timedTrainSteps(
    ([yb, xb]) => {
      const loss = opt.minimize(() => tf.sum(tf.mean(tf.squaredDifference(yb!, forward(xb as tf.Tensor3D)), [1, 2])) as tf.Scalar, true)!;
      tf.tidy(() => {
        for (const v of [...vars, ...biasVars]) v.assign(tf.clipByValue(v, -1, 1));
      });
      return loss;
    },
    () => {
      const batches = cells.map((_, k) => sample(k, 128));
      return [tf.tensor3d(stackModels(batches.map((b) => b.y)), [K, 128, 1]), tf.tensor3d(stackModels(batches.map((b) => b.x)), [K, 128, n])];
    },
    { steps: plan.steps, readEvery: 50, models: K, run: `set-${cells.map((c) => c.task).join('+')}-target-seed${cells[0]!.seed}` },
  );
  const [coeffRows, biasRows] = [await readModelRows(vars, K), await readModelRows(biasVars, K)];
  const out = cells.map((cell, k) => {
    const test = sample(k, plan.testSets);
    return { cell, coeffs: coeffRows[k]!, biases: biasRows[k]!, testX: test.x, testY: test.y };
  });
  tf.dispose([...vars, ...biasVars, ...biasTensors, ...stacks]);
  opt.dispose();
  return out;
});

/** Prunes a random DeepSets network to one trained target and measures both in float64 (host work). */
export const setsPruneCell = defineCells('equivariant-prune-sets/prune', async ({ cell, coeffs, biases, testX, testY }: TrainedSet): Promise<SetTaskResult> => {
  const n = SET_SIZE;
  const { plan, task } = cell;
  const { bases, widths, biasVectors } = setsArch(plan.width);
  const selfBases = [deepSetsBasis(n), deepSetsBasis(n), deepSetsBasis(n), mlpBasis()];
  const target: EquivariantNetwork = {
    layers: bases.map((b, i) => ({ basis: b, cIn: widths[i]!, cOut: widths[i + 1]!, coeffs: coeffs[i]!, bias: { vectors: biasVectors[i]!, coeffs: biases[i]! } })),
  };
  const norms = bases.map((b) => basisNorm(b).norm);
  const eps = plan.eps;
  // c = 1.6: trained targets are not norm-1 (errors are amplified by prod ‖W_i‖), so more samples per coefficient
  // than for the unit-norm targets; capped at 30 to keep meet in the middle (2^(m/2) per half) fast.
  const samples = target.layers.map((l, i) => Math.min(30, hiddenCopiesFor({ nIn: l.cIn, nOut: l.cOut, basisSize: l.basis.elements.length, basisNorm: norms[i]!, depth: bases.length, eps, c: 1.6 })));
  const pruned = pruneToTarget(target, buildRandomNetwork(target, { samples, seed: setsRandomSeed(cell.seed, cell.taskIndex), selfBases }), { basisNorms: norms });
  const nTest = plan.testSets;
  const xt = Float64Array.from(testX);
  const yT = networkForwardF64(target, xt, nTest);
  const yP = networkForwardF64(pruned.network, xt, nTest);
  let mseT = 0;
  let mseP = 0;
  let gap = 0;
  let variance = 0;
  const outputs: SetTaskResult['outputs'] = [];
  const yMean = mean(testY);
  for (let i = 0; i < nTest; i++) {
    mseT += (yT[i]! - testY[i]!) ** 2 / nTest;
    mseP += (yP[i]! - testY[i]!) ** 2 / nTest;
    variance += (testY[i]! - yMean) ** 2 / nTest;
    gap = Math.max(gap, Math.abs(yT[i]! - yP[i]!));
    if (i < 300) outputs.push({ target: yT[i]!, pruned: yP[i]! });
  }
  const sg = symmetricGroup(n);
  const inv = equivarianceErrorF64(pruned.network, sg.set(), sg.invariant(), xt.subarray(0, 20 * n), 20, 720);
  const p = parameterReport(target, pruned.network, eps);
  const sup = estimateSupError(target, pruned.network, 256, 3).max;
  return {
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
  };
});

/**
 * Trains a DeepSets target per task (both tasks as one K-model group on webgpu), then prunes a random DeepSets
 * network to each target and measures both on test sets, on host threads.
 */
export async function runSetTasks(ctx: Pick<ReproContext, 'seed' | 'progress' | 'workers' | 'backend'>, plan: SetsPlan): Promise<SetsData> {
  const cells: SetCell[] = SET_TASKS.map((task, taskIndex) => ({ task, taskIndex, seed: ctx.seed, plan }));
  const bar = ctx.progress('train set targets', cells.length);
  const trained = await setsTrainGroup.map(ctx, cells, setsGroupKey, bar);
  bar.done();
  // Pruning and the float64 checks are host work: on a GPU run they go to wasm threads.
  const bar2 = ctx.progress('prune and evaluate', cells.length);
  const tasks = await setsPruneCell.map(hostCells(ctx), trained, bar2);
  bar2.done();
  return { n: SET_SIZE, tasks, seeds: { base: ctx.seed, sum: setsRandomSeed(ctx.seed, 0), max: setsRandomSeed(ctx.seed, 1) } };
}
