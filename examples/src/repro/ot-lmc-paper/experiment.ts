/**
 * Ferbach et al.'s own experiment (the paper's notebook, damienferbach/OT_LMC): MNIST MLP 784-512-512-512-10 trained
 * with SGD + momentum 0.9 and warmup + cosine at six learning rates, independent pairs per learning rate, three
 * layer-wise matchings on incoming weights, the test loss at t = ½ ("LMC error") and Dim(S) = tr(S)²/tr(S²) of WᵀW,
 * WΣWᵀ and Σ per hidden layer. Plan -> cells (one net; one pair) -> plain data; figures live in figures.ts.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import {
  activationMatching,
  approximateDimension,
  cloneModel,
  getParams,
  layerDimensions,
  layerwiseOTAlignment,
  lossBarrier,
  permuteParams,
  sequentialPermutationSpec,
  setParams,
  weightMatching,
  type InputMoment,
  type Params,
  type Permutations,
} from '@lemma/ot-matching';
import { defineCells, defineGroupedCells, hostCells } from '../../lib/cell-pool';
import { trainMlps, type MlpTrainPlan, type MlpWeights } from '../../lib/mlp-train';
import { mean, sd } from '../../lib/stats';
import { loadMnist10k, loadMnistSubset, type MnistSubset } from '../../fixtures/mnist';
import type { Progress, ReproContext } from '../../types';
import { defineSeed } from '../../lib/seeds';

/** The alignments compared (the first three are the paper's; Git Re-Basin and no alignment are baselines). */
export const METHODS = ['naive', 'covariance', 'activation', 'gitRebasin', 'none'] as const;
export type Method = (typeof METHODS)[number];
export const METHOD_LABEL: Record<Method, string> = {
  naive: 'naive weight matching (−W_B W_Aᵀ)',
  covariance: 'covariance-weighted (−W_B Σ W_Aᵀ, paper)',
  activation: 'activation matching (centred cross-cov.)',
  gitRebasin: 'Git Re-Basin weight matching (all layers)',
  none: 'no alignment',
};

/** Everything that defines a run. */
export interface PaperPlan {
  data: '10k' | 'subset';
  sizes: number[];
  lrs: number[];
  pairs: number;
  epochs: number;
  batchSize: number;
  warmupSteps: number;
  /** Interpolation grid (contains 0, ½ and 1). */
  ts: number[];
  /** Training rows used for Σ and the activation statistics. */
  probeRows: number;
  seed: number;
}

/** Six learning rates log-spaced from 1e-4 to 1e-1 (the notebook's np.exp(np.linspace(log 1e-4, log 0.1, 6))). */
export const PAPER_LRS = Array.from({ length: 6 }, (_, i) => Math.exp(Math.log(1e-4) + (i * (Math.log(0.1) - Math.log(1e-4))) / 5));

export function fullPlan(seed: number): PaperPlan {
  return { data: '10k', sizes: [784, 512, 512, 512, 10], lrs: PAPER_LRS, pairs: 4, epochs: 20, batchSize: 100, warmupSteps: 10, ts: Array.from({ length: 11 }, (_, i) => i / 10), probeRows: 8000, seed };
}

/** Same structure on the 2k subset: two learning rates below 6e-3 and the largest one, two pairs, 8 epochs. */
export function quickPlan(seed: number): PaperPlan {
  return { data: 'subset', sizes: [784, 512, 512, 512, 10], lrs: [PAPER_LRS[2]!, PAPER_LRS[3]!, PAPER_LRS[5]!], pairs: 2, epochs: 8, batchSize: 100, warmupSteps: 10, ts: [0, 0.25, 0.5, 0.75, 1], probeRows: 2000, seed };
}

/** A net's seed: independent across learning rates, pairs and the two members of a pair. */
export function netSeed(plan: PaperPlan, lrIndex: number, pair: number, member: 0 | 1): number {
  return netSeedOf(plan.seed, lrIndex, pair, member);
}
export const netSeedOf = defineSeed('net', 'base·1000 + lrIndex·100 + 2·pair + member', (base: number, lrIndex: number, pair: number, member: number) => base * 1000 + lrIndex * 100 + pair * 2 + member);

function loadData(which: PaperPlan['data']): MnistSubset {
  return which === '10k' ? loadMnist10k() : loadMnistSubset();
}

/** One cell: one net. */
export interface TrainCell {
  data: PaperPlan['data'];
  sizes: number[];
  lr: number;
  epochs: number;
  batchSize: number;
  warmupSteps: number;
  seed: number;
}

/** The plan of a training cell. */
export function netPlan(c: TrainCell): MlpTrainPlan {
  return { sizes: c.sizes, parametrisation: 'standard', loss: 'softmaxCrossEntropy', init: { kind: 'lecun' }, epochs: c.epochs, batchSize: c.batchSize, lr: c.lr, schedule: 'warmupCosine', warmupSteps: c.warmupSteps, momentum: 0.9, seed: c.seed };
}

/** Training cells that differ only in learning rate and seed train together on webgpu (see {@link trainNets}). */
const netGroup = defineGroupedCells('ot-lmc-paper/train-nets', async (cs: TrainCell[]): Promise<(MlpWeights & { finalLoss: number })[]> => trainMlps(cs.map(netPlan), loadData(cs[0]!.data).train));

/** Trains every cell's net; on webgpu the nets of one architecture and data train as K models at once. */
export function trainNets(ctx: Pick<ReproContext, 'workers' | 'backend'>, cells: readonly TrainCell[], progress?: Progress): Promise<(MlpWeights & { finalLoss: number })[]> {
  return netGroup.map(ctx, cells, (c) => JSON.stringify({ ...c, lr: 0, seed: 0 }), progress);
}

/** One cell: the analysis of one pair. */
export interface PairCell {
  data: PaperPlan['data'];
  ts: number[];
  probeRows: number;
  seed: number;
  a: MlpWeights;
  b: MlpWeights;
}

/** What one pair yields (test-set losses). */
export interface PairResult {
  lossA: number;
  lossB: number;
  accA: number;
  accB: number;
  /** Per method: test loss along ts, the loss at t = ½, the max-over-t barrier, the accuracy at t = ½. */
  methods: Record<Method, { loss: number[]; half: number; barrier: number; accHalf: number }>;
  /** Per hidden layer, mean over the two nets: Dim(WᵀW), Dim(WΣWᵀ) (Σ = E[xxᵀ] of the layer input), Dim(Σ_out). */
  dimWtW: number[];
  dimWSigmaW: number[];
  dimSigma: number[];
  gitRebasinSweeps: number;
}

/** A tfjs-layers Sequential MLP holding `w` (Dense + ReLU, logits out). */
export function toModel(w: MlpWeights): tfl.LayersModel {
  const model = tfl.sequential();
  const L = w.sizes.length - 1;
  for (let l = 0; l < L; l++) model.add(tfl.layers.dense({ units: w.sizes[l + 1]!, activation: l < L - 1 ? 'relu' : 'linear', ...(l === 0 ? { inputShape: [w.sizes[0]!] } : {}) }));
  setParams(model, toParams(w));
  return model;
}

/** MlpWeights as the package's positional Params (`<layer>/kernel`, `<layer>/bias`). */
export function toParams(w: MlpWeights): Params {
  const p: Params = {};
  w.kernels.forEach((k, l) => {
    p[`${l}/kernel`] = { shape: [w.sizes[l]!, w.sizes[l + 1]!], values: k };
    p[`${l}/bias`] = { shape: [w.sizes[l + 1]!], values: w.biases[l]! };
  });
  return p;
}

/** Uncentred second moments E[h hᵀ] of the input and of every hidden layer's (post-ReLU) output on `x`, float64. */
export async function layerMoments(w: MlpWeights, x: tf.Tensor2D): Promise<{ dim: number; data: Float64Array }[]> {
  const out: { dim: number; data: Float64Array }[] = [];
  let h: tf.Tensor2D = tf.clone(x);
  const N = x.shape[0];
  for (let l = 0; l < w.sizes.length - 1; l++) {
    const M = tf.tidy(() => tf.div(tf.matMul(tf.transpose(h), h), N));
    // data(), not dataSync(): tfjs-webgpu's synchronous read needs OffscreenCanvas, which Node lacks.
    out.push({ dim: h.shape[1], data: Float64Array.from(await M.data()) });
    M.dispose();
    if (l === w.sizes.length - 2) break;
    const next = tf.tidy(() => tf.relu(tf.add(tf.matMul(h, tf.tensor2d(w.kernels[l]!, [w.sizes[l]!, w.sizes[l + 1]!])), tf.tensor1d(w.biases[l]!))) as tf.Tensor2D);
    h.dispose();
    h = next;
  }
  h.dispose();
  return out;
}

/** Dim(Kᵀ Σ K) for a kernel K [d, n] (rows of W = columns of K) and Σ [d, d]. */
export async function weightedDimension(kernel: Float32Array, d: number, n: number, sigma: Float64Array): Promise<number> {
  const M = tf.tidy(() => {
    const K = tf.tensor2d(kernel, [d, n]);
    return tf.matMul(tf.transpose(K), tf.matMul(tf.tensor2d(Float32Array.from(sigma), [d, d]), K));
  });
  const v = Float64Array.from(await M.data());
  M.dispose();
  return approximateDimension(n, v);
}

export const analysePair = defineCells('ot-lmc-paper/analyse-pair', async (c: PairCell): Promise<PairResult> => {
  const m = loadData(c.data);
  const rows = Math.min(c.probeRows, m.train.n);
  const probe = tf.tensor2d(m.train.x.subarray(0, rows * 784), [rows, 784]);
  const test = { x: tf.tensor2d(m.test.x, [m.test.n, 784]), y: tf.tensor1d(Int32Array.from(m.test.y), 'int32') };
  const A = toModel(c.a);
  const B = toModel(c.b);
  const models: tfl.LayersModel[] = [A, B];
  try {
    const spec = sequentialPermutationSpec(A);
    const pa = await getParams(A);
    const pb = await getParams(B);
    const hidden = Object.keys(spec.perms); // P0, P1, P2 in input-to-output order
    const momA = await layerMoments(c.a, probe);
    const momB = await layerMoments(c.b, probe);
    // Σ of the input of the layer producing each permutation (model A's, as in the paper).
    const moments: Record<string, InputMoment> = Object.fromEntries(hidden.map((name, l) => [name, momA[l]!]));
    const perms: Record<Method, Permutations> = {
      naive: layerwiseOTAlignment(pa, pb, spec, { cost: 'euclidean', bias: false }).perms,
      covariance: layerwiseOTAlignment(pa, pb, spec, { cost: 'covariance', moments, bias: false }).perms,
      activation: await activationMatching(A, B, probe, spec, { method: 'covariance' }),
      gitRebasin: {},
      none: {},
    };
    const wm = weightMatching(pa, pb, spec, { seed: c.seed });
    perms.gitRebasin = wm.perms;
    const methods = {} as PairResult['methods'];
    let lossA = Number.NaN;
    let lossB = Number.NaN;
    let accA = Number.NaN;
    let accB = Number.NaN;
    const iHalf = c.ts.indexOf(0.5);
    for (const method of METHODS) {
      const Bal = method === 'none' ? B : await cloneModel(A, permuteParams(pb, spec, perms[method]));
      if (method !== 'none') models.push(Bal);
      const r = await lossBarrier(A, Bal, test, { ts: c.ts });
      methods[method] = { loss: r.loss, half: r.loss[iHalf]!, barrier: r.lossBarrier, accHalf: r.accuracy[iHalf]! };
      lossA = r.loss[0]!;
      lossB = r.loss[r.loss.length - 1]!;
      accA = r.accuracy[0]!;
      accB = r.accuracy[r.accuracy.length - 1]!;
    }
    const dims = async (w: MlpWeights, p: Params, mom: { dim: number; data: Float64Array }[]) => {
      const wtw = layerDimensions(p, spec);
      return {
        wtw: hidden.map((name) => wtw[name]!),
        wsw: await Promise.all(hidden.map((_, l) => weightedDimension(w.kernels[l]!, w.sizes[l]!, w.sizes[l + 1]!, mom[l]!.data))),
        sigma: hidden.map((_, l) => approximateDimension(mom[l + 1]!.dim, mom[l + 1]!.data)),
      };
    };
    const da = await dims(c.a, pa, momA);
    const db = await dims(c.b, pb, momB);
    const avg = (x: number[], y: number[]) => x.map((v, i) => (v + y[i]!) / 2);
    return { lossA, lossB, accA, accB, methods, dimWtW: avg(da.wtw, db.wtw), dimWSigmaW: avg(da.wsw, db.wsw), dimSigma: avg(da.sigma, db.sigma), gitRebasinSweeps: wm.sweeps };
  } finally {
    for (const mdl of models) mdl.dispose();
    tf.dispose([probe, test.x, test.y]);
  }
});

/** One pair's row of the sweep. */
export interface PairRow extends PairResult {
  lr: number;
  pair: number;
  seedA: number;
  seedB: number;
  trainLossA: number;
  trainLossB: number;
}

/** Per learning rate and method: mean and sd over pairs of the loss at t = ½ and of the max barrier. */
export interface LrSummary {
  lr: number;
  method: Method;
  half: number;
  halfSd: number;
  barrier: number;
  barrierSd: number;
  /** Mean endpoint test loss (both nets of every pair). */
  endpoint: number;
  endpointSd: number;
}

export interface PaperData {
  plan: PaperPlan;
  pairs: PairRow[];
  summary: LrSummary[];
  seeds: Record<string, number>;
}

/** Runs the plan through the cell pool: 2·pairs·lrs training cells, then pairs·lrs analysis cells. */
export async function runPaper(ctx: Pick<ReproContext, 'workers' | 'backend'>, plan: PaperPlan, progress?: (label: string, total: number) => Progress): Promise<PaperData> {
  const cells: TrainCell[] = [];
  const seeds: Record<string, number> = { base: plan.seed };
  plan.lrs.forEach((lr, i) => {
    for (let p = 0; p < plan.pairs; p++)
      for (const member of [0, 1] as const) {
        const seed = netSeed(plan, i, p, member);
        seeds[`lr${i}_pair${p}_${member === 0 ? 'A' : 'B'}`] = seed;
        cells.push({ data: plan.data, sizes: plan.sizes, lr, epochs: plan.epochs, batchSize: plan.batchSize, warmupSteps: plan.warmupSteps, seed });
      }
  });
  const nets = await trainNets(ctx, cells, progress?.('ot-lmc-paper: train nets', cells.length));
  const pairCells: PairCell[] = [];
  const meta: { lr: number; pair: number; seedA: number; seedB: number; trainLossA: number; trainLossB: number }[] = [];
  plan.lrs.forEach((lr, i) => {
    for (let p = 0; p < plan.pairs; p++) {
      const k = (i * plan.pairs + p) * 2;
      const a = nets[k]!;
      const b = nets[k + 1]!;
      pairCells.push({ data: plan.data, ts: plan.ts, probeRows: plan.probeRows, seed: cells[k]!.seed, a: stripLoss(a), b: stripLoss(b) });
      meta.push({ lr, pair: p, seedA: cells[k]!.seed, seedB: cells[k + 1]!.seed, trainLossA: a.finalLoss, trainLossB: b.finalLoss });
    }
  });
  const results = await analysePair.map(hostCells(ctx), pairCells, progress?.('ot-lmc-paper: match and interpolate', pairCells.length));
  const pairs: PairRow[] = results.map((r, i) => ({ ...meta[i]!, ...r }));
  return { plan, pairs, summary: summarise(plan, pairs), seeds };
}

function stripLoss(w: MlpWeights & { finalLoss: number }): MlpWeights {
  return { sizes: w.sizes, kernels: w.kernels, biases: w.biases };
}

export function summarise(plan: PaperPlan, pairs: PairRow[]): LrSummary[] {
  return plan.lrs.flatMap((lr) => {
    const rows = pairs.filter((r) => r.lr === lr);
    const ends = rows.flatMap((r) => [r.lossA, r.lossB]);
    return METHODS.map((method) => {
      const half = rows.map((r) => r.methods[method].half);
      const bar = rows.map((r) => r.methods[method].barrier);
      return { lr, method, half: mean(half), halfSd: sd(half), barrier: mean(bar), barrierSd: sd(bar), endpoint: mean(ends), endpointSd: sd(ends) };
    });
  });
}

/** The headline numbers the verdict compares with the expectation. */
export interface PaperMetrics {
  /** Mean over learning rates ≤ 6e-3 of mean_pairs(covariance loss at ½) / mean_pairs(naive loss at ½). */
  covOverNaiveSmallLr: number;
  /** The same ratio at the largest learning rate. */
  covOverNaiveLargestLr: number;
  /** Mean Dim over layers, learning rates, pairs (and the two nets). */
  dimWtW: number;
  dimWSigmaW: number;
  dimSigma: number;
}

export const SMALL_LR = 6.5e-3;

export function headline(data: PaperData): PaperMetrics {
  const at = (lr: number, method: Method) => data.summary.find((s) => s.lr === lr && s.method === method)!.half;
  const small = data.plan.lrs.filter((lr) => lr <= SMALL_LR);
  const largest = Math.max(...data.plan.lrs);
  return {
    covOverNaiveSmallLr: mean(small.map((lr) => at(lr, 'covariance') / at(lr, 'naive'))),
    covOverNaiveLargestLr: at(largest, 'covariance') / at(largest, 'naive'),
    dimWtW: mean(data.pairs.flatMap((r) => r.dimWtW)),
    dimWSigmaW: mean(data.pairs.flatMap((r) => r.dimWSigmaW)),
    dimSigma: mean(data.pairs.flatMap((r) => r.dimSigma)),
  };
}
