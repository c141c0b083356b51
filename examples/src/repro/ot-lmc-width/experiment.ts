/**
 * Width, where the theory predicts a slope (Ferbach et al., Thm 3.1 / 5.4): one hidden ReLU layer in the mean-field
 * parametrisation f(x) = (1/N) Σ_i a_i relu(w_i·x + b_i) (learning rate ∝ N), trained by full-batch gradient descent
 * on inputs x = U z (z ~ N(0, I_k), U an orthonormal D x k frame) labelled by a random teacher of the same rank k.
 * The data only see the k-dimensional projection Uᵀw of each neuron, so the covariance-weighted matching compares
 * neurons in a (k+1)-dimensional space (with the bias), where two independent N-atom empirical measures are
 * W₂ ≍ N^(-1/k) apart (Fournier & Guillin 2015, k > 4). Plan -> cells (one pair at one width) -> plain data.
 */
import * as tf from '@tensorflow/tfjs-core';
import { createRng } from '@lemma/gpu-kernels';
import { interpolateParams, layerwiseOTAlignment, permuteParams, type InputMoment, type Params, type PermutationSpec } from '@lemma/ot-matching';
import { defineCells, defineGroupedCells, hostCells } from '../../lib/cell-pool';
import { trainMlps, type MlpTrainPlan, type MlpWeights } from '../../lib/mlp-train';
import { mean } from '../../lib/stats';
import { olsFit } from '../../lib/linear-fit';
import type { Progress, ReproContext } from '../../types';
import { defineSeed } from '../../lib/seeds';

export interface WidthPlan {
  /** Teacher ranks. */
  ks: number[];
  /** Ambient input dimension D (> every k). */
  inputDim: number;
  widths: number[];
  /** Pairs per width (same length as widths): more at small widths, where pair-to-pair spread is largest. */
  pairs: number[];
  nTrain: number;
  nTest: number;
  /** Full-batch gradient steps. */
  steps: number;
  /** Mean-field step size: lr = eta · N. */
  eta: number;
  ts: number[];
  seed: number;
}

export function fullPlan(seed: number): WidthPlan {
  return { ks: [8, 32], inputDim: 64, widths: [32, 64, 128, 256, 512, 1024, 2048], pairs: [12, 10, 8, 6, 5, 5, 5], nTrain: 1024, nTest: 4096, steps: 300, eta: 0.5, ts: [0, 0.25, 0.5, 0.75, 1], seed };
}

export function quickPlan(seed: number): WidthPlan {
  return { ks: [8, 32], inputDim: 64, widths: [32, 64, 128, 256, 512], pairs: [6, 6, 5, 5, 4], nTrain: 512, nTest: 2048, steps: 150, eta: 0.5, ts: [0, 0.25, 0.5, 0.75, 1], seed };
}

/** The matchings compared: the paper's covariance-weighted cost, plain Euclidean on [w; b], and none. */
export const WIDTH_METHODS = ['covariance', 'euclidean', 'none'] as const;
export type WidthMethod = (typeof WIDTH_METHODS)[number];

interface Problem {
  xTrain: Float32Array;
  yTrain: Float32Array;
  xTest: Float32Array;
  yTest: Float32Array;
}

const problems = new Map<string, Problem>();

/** The rank-k teacher problem of a plan (deterministic in seed and k; cached per thread). */
export function teacherProblem(seed: number, k: number, D: number, nTrain: number, nTest: number): Problem {
  const key = `${seed}/${k}/${D}/${nTrain}/${nTest}`;
  const hit = problems.get(key);
  if (hit) return hit;
  const rng = createRng(seed, 1000 + k);
  // Orthonormal frame U (D x k) by Gram-Schmidt on Gaussian columns.
  const U = new Float64Array(D * k);
  for (let c = 0; c < k; c++) {
    const v = rng.normalArray(D);
    for (let p = 0; p < c; p++) {
      let d = 0;
      for (let i = 0; i < D; i++) d += v[i]! * U[i * k + p]!;
      for (let i = 0; i < D; i++) v[i] = v[i]! - d * U[i * k + p]!;
    }
    const nrm = Math.hypot(...v);
    for (let i = 0; i < D; i++) U[i * k + c] = v[i]! / nrm;
  }
  const m = k; // teacher neurons
  const ut = Float64Array.from(rng.normalArray(m * k), (z) => z / Math.sqrt(k));
  const at = rng.normalArray(m);
  const bt = Float64Array.from(rng.normalArray(m), (z) => 0.1 * z);
  const sample = (n: number) => {
    const x = new Float32Array(n * D);
    const y = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const z = rng.normalArray(k);
      for (let i = 0; i < D; i++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += U[i * k + c]! * z[c]!;
        x[r * D + i] = s;
      }
      let f = 0;
      for (let j = 0; j < m; j++) {
        let u = bt[j]!;
        for (let c = 0; c < k; c++) u += ut[j * k + c]! * z[c]!;
        f += at[j]! * Math.max(0, u);
      }
      y[r] = f / Math.sqrt(m);
    }
    return { x, y };
  };
  const tr = sample(nTrain);
  const te = sample(nTest);
  const p = { xTrain: tr.x, yTrain: tr.y, xTest: te.x, yTest: te.y };
  problems.set(key, p);
  return p;
}

/** One cell: one pair of nets at one width and teacher rank. */
export interface WidthCell {
  k: number;
  width: number;
  pair: number;
  seedA: number;
  seedB: number;
  problemSeed: number;
  inputDim: number;
  nTrain: number;
  nTest: number;
  steps: number;
  eta: number;
  ts: number[];
}

export interface WidthPairResult {
  k: number;
  width: number;
  pair: number;
  lossA: number;
  lossB: number;
  /** Per method: max-over-t test barrier, loss at ½ minus the endpoints' mean, rms function gap at ½, matched W₂² in the Σ metric. */
  methods: Record<WidthMethod, { barrier: number; mid: number; gap: number; w2: number }>;
}

/** Mean-field MlpWeights as positional Params with the output weights divided by N (the function is unchanged). */
function mfParams(w: MlpWeights): Params {
  const [D, N] = [w.sizes[0]!, w.sizes[1]!];
  return {
    '0/kernel': { shape: [D, N], values: w.kernels[0]! },
    '0/bias': { shape: [N], values: w.biases[0]! },
    '1/kernel': { shape: [N, 1], values: Float32Array.from(w.kernels[1]!, (a) => a / N) },
  };
}

function mfSpec(N: number): PermutationSpec {
  return { perms: { P0: N }, params: { '0/kernel': { axes: [null, 'P0'] }, '0/bias': { axes: ['P0'] }, '1/kernel': { axes: ['P0', null] } } };
}

/** Test outputs of a one-hidden-layer net given as Params. */
function outputs(p: Params, x: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const W = tf.tensor2d(p['0/kernel']!.values, p['0/kernel']!.shape as [number, number]);
    const h = tf.relu(tf.add(tf.matMul(x, W), tf.tensor1d(p['0/bias']!.values)));
    return tf.reshape(tf.matMul(h, tf.tensor2d(p['1/kernel']!.values, p['1/kernel']!.shape as [number, number])), [-1]) as tf.Tensor1D;
  });
}

const mse = (f: Float32Array, y: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (f[i]! - y[i]!) ** 2;
  return (0.5 * s) / y.length;
};

/** E[x̃ x̃ᵀ] with x̃ = [x; 1] of row-major x [n, D], float64. */
export function augmentedMoment(x: Float32Array, n: number, D: number): InputMoment {
  const q = D + 1;
  const M = new Float64Array(q * q);
  const row = new Float64Array(q);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < D; i++) row[i] = x[r * D + i]!;
    row[D] = 1;
    for (let i = 0; i < q; i++) {
      const v = row[i]!;
      if (v === 0) continue;
      for (let j = 0; j < q; j++) M[i * q + j] = M[i * q + j]! + v * row[j]!;
    }
  }
  for (let i = 0; i < M.length; i++) M[i] = M[i]! / n;
  return { dim: q, data: M };
}

/** One training cell: one mean-field net of a pair (its pair's problem and schedule, its own seed). */
export type WidthNetCell = Pick<WidthCell, 'k' | 'width' | 'problemSeed' | 'inputDim' | 'nTrain' | 'nTest' | 'steps' | 'eta'> & { seed: number };

/** Nets of one teacher problem and width train together on webgpu (K models at once). */
const widthNets = defineGroupedCells('ot-lmc-width/train-nets', async (cs: WidthNetCell[]): Promise<MlpWeights[]> => {
  const c = cs[0]!;
  const prob = teacherProblem(c.problemSeed, c.k, c.inputDim, c.nTrain, c.nTest);
  const plans = cs.map((n): MlpTrainPlan => ({ sizes: [n.inputDim, n.width, 1], parametrisation: 'meanField', loss: 'squared', init: { kind: 'meanField', weightStd: 1 / Math.sqrt(n.k) }, epochs: n.steps, batchSize: n.nTrain, lr: n.eta * n.width, schedule: 'constant', warmupSteps: 0, momentum: 0, seed: n.seed }));
  return (await trainMlps(plans, { x: prob.xTrain, y: prob.yTrain, n: c.nTrain })).map(({ sizes, kernels, biases }) => ({ sizes, kernels, biases }));
});

/** The analysis of one pair: its cell and the two trained nets. */
interface WidthPairCell {
  c: WidthCell;
  a: MlpWeights;
  b: MlpWeights;
}

export const widthPair = defineCells('ot-lmc-width/pair', async ({ c, a, b }: WidthPairCell): Promise<WidthPairResult> => {
  const prob = teacherProblem(c.problemSeed, c.k, c.inputDim, c.nTrain, c.nTest);
  const pa = mfParams(a);
  const pb = mfParams(b);
  const spec = mfSpec(c.width);
  const moment = augmentedMoment(prob.xTrain, c.nTrain, c.inputDim);
  const cov = layerwiseOTAlignment(pa, pb, spec, { cost: 'covariance', moments: { P0: moment } });
  const euc = layerwiseOTAlignment(pa, pb, spec, { cost: 'euclidean' });
  const x = tf.tensor2d(prob.xTest, [c.nTest, c.inputDim]);
  try {
    // data(), not dataSync(): tfjs-webgpu's synchronous read needs OffscreenCanvas, which Node lacks.
    const evalAt = async (p: Params): Promise<Float32Array> => {
      const o = outputs(p, x);
      const v = (await o.data()) as Float32Array;
      o.dispose();
      return Float32Array.from(v);
    };
    const fA = await evalAt(pa);
    const fB = await evalAt(pb);
    const lossA = mse(fA, prob.yTest);
    const lossB = mse(fB, prob.yTest);
    const methods = {} as WidthPairResult['methods'];
    for (const method of WIDTH_METHODS) {
      const perms = method === 'covariance' ? cov.perms : method === 'euclidean' ? euc.perms : { P0: Int32Array.from({ length: c.width }, (_, i) => i) };
      const pbAl = permuteParams(pb, spec, perms);
      let barrier = 0;
      let mid = Number.NaN;
      let gap = Number.NaN;
      for (const t of c.ts) {
        if (t === 0 || t === 1) continue;
        const f = await evalAt(interpolateParams(pa, pbAl, t));
        const l = mse(f, prob.yTest);
        barrier = Math.max(barrier, l - ((1 - t) * lossA + t * lossB));
        if (t === 0.5) {
          mid = l - 0.5 * (lossA + lossB);
          let s = 0;
          for (let i = 0; i < f.length; i++) s += (f[i]! - 0.5 * (fA[i]! + fB[i]!)) ** 2;
          gap = Math.sqrt(s / f.length);
        }
      }
      // The covariance matching's cost is the matched W₂² in the Σ metric; the same metric for the other alignments.
      methods[method] = { barrier, mid, gap, w2: sigmaCost(pa, pbAl, moment) };
    }
    return { k: c.k, width: c.width, pair: c.pair, lossA, lossB, methods };
  } finally {
    x.dispose();
  }
});

/** (1/N) Σ_i ||w̃_i^A - w̃_i^B||²_Σ over aligned units (w̃ = [w; b]). */
function sigmaCost(pa: Params, pb: Params, m: InputMoment): number {
  const [D, N] = pa['0/kernel']!.shape as [number, number];
  const q = D + 1;
  const diff = new Float64Array(q);
  let total = 0;
  for (let u = 0; u < N; u++) {
    for (let i = 0; i < D; i++) diff[i] = pa['0/kernel']!.values[i * N + u]! - pb['0/kernel']!.values[i * N + u]!;
    diff[D] = pa['0/bias']!.values[u]! - pb['0/bias']!.values[u]!;
    for (let i = 0; i < q; i++) {
      let s = 0;
      for (let j = 0; j < q; j++) s += m.data[i * q + j]! * diff[j]!;
      total += diff[i]! * s;
    }
  }
  return total / N;
}

/** Log-log fit of one quantity against width for one k and method, over the pairs where it is positive. */
export interface SlopeFit {
  k: number;
  method: WidthMethod;
  quantity: 'barrier' | 'gap' | 'w2';
  slope: number;
  slopeSe: number;
  /** Pairs used (a non-positive barrier has no logarithm and is left out). */
  used: number;
  dropped: number;
}

export interface WidthData {
  plan: WidthPlan;
  pairs: WidthPairResult[];
  fits: SlopeFit[];
  seeds: Record<string, number>;
}

/** A net's seed: independent across k, widths (by index), pairs and the two members (0, 1) of a pair. */
export const widthNetSeed = defineSeed('net', 'base·100000 + k·1000 + widthIndex·50 + 2·pair + member', (base: number, k: number, wi: number, pair: number, member: number) => base * 100000 + k * 1000 + wi * 50 + 2 * pair + member);

export function widthCells(plan: WidthPlan): WidthCell[] {
  const cells: WidthCell[] = [];
  for (const k of plan.ks)
    plan.widths.forEach((width, wi) => {
      for (let pair = 0; pair < plan.pairs[wi]!; pair++) {
        cells.push({ k, width, pair, seedA: widthNetSeed(plan.seed, k, wi, pair, 0), seedB: widthNetSeed(plan.seed, k, wi, pair, 1), problemSeed: plan.seed, inputDim: plan.inputDim, nTrain: plan.nTrain, nTest: plan.nTest, steps: plan.steps, eta: plan.eta, ts: plan.ts });
      }
    });
  // Largest widths first, so the longest cells do not finish last.
  return cells.sort((a, b) => b.width - a.width);
}

export function fitSlopes(plan: WidthPlan, pairs: WidthPairResult[]): SlopeFit[] {
  const out: SlopeFit[] = [];
  for (const k of plan.ks)
    for (const method of WIDTH_METHODS)
      for (const quantity of ['barrier', 'gap', 'w2'] as const) {
        const rows = pairs.filter((r) => r.k === k);
        const ok = rows.filter((r) => r.methods[method][quantity] > 0);
        const x = ok.map((r) => Math.log(r.width));
        // Three points or more at two widths or more; else no slope (NaN).
        const f = ok.length > 2 && new Set(x).size > 1 ? olsFit(x, ok.map((r) => Math.log(r.methods[method][quantity]))) : { slope: Number.NaN, slopeSe: Number.NaN };
        out.push({ k, method, quantity, slope: f.slope, slopeSe: f.slopeSe, used: ok.length, dropped: rows.length - ok.length });
      }
  return out;
}

export async function runWidth(ctx: Pick<ReproContext, 'workers' | 'backend'>, plan: WidthPlan, progress?: (label: string, total: number) => Progress): Promise<WidthData> {
  const cells = widthCells(plan);
  const seeds: Record<string, number> = { base: plan.seed, problem: plan.seed };
  for (const c of cells) seeds[`k${c.k}_width${c.width}_pair${c.pair}_A`] = c.seedA;
  const netCells = cells.flatMap((c) => [c.seedA, c.seedB].map((seed): WidthNetCell => ({ k: c.k, width: c.width, seed, problemSeed: c.problemSeed, inputDim: c.inputDim, nTrain: c.nTrain, nTest: c.nTest, steps: c.steps, eta: c.eta })));
  const nets = await widthNets.map(ctx, netCells, (n) => JSON.stringify({ ...n, seed: 0 }), progress?.('ot-lmc-width: train nets', netCells.length));
  const results = await widthPair.map(hostCells(ctx), cells.map((c, i) => ({ c, a: nets[2 * i]!, b: nets[2 * i + 1]! })), progress?.('ot-lmc-width: match and interpolate', cells.length));
  const pairs = results.slice().sort((a, b) => a.k - b.k || a.width - b.width || a.pair - b.pair);
  return { plan, pairs, fits: fitSlopes(plan, pairs), seeds };
}

/** Per k, width and method: mean over pairs of each quantity. */
export function widthMeans(data: WidthData): { k: number; width: number; method: WidthMethod; barrier: number; gap: number; w2: number; endpoint: number }[] {
  return data.plan.ks.flatMap((k) =>
    data.plan.widths.flatMap((width) =>
      WIDTH_METHODS.map((method) => {
        const rs = data.pairs.filter((r) => r.k === k && r.width === width);
        return {
          k,
          width,
          method,
          barrier: mean(rs.map((r) => r.methods[method].barrier)),
          gap: mean(rs.map((r) => r.methods[method].gap)),
          w2: mean(rs.map((r) => r.methods[method].w2)),
          endpoint: mean(rs.flatMap((r) => [r.lossA, r.lossB])),
        };
      }),
    ),
  );
}
