/**
 * The science of `optim-char-lm`: a tiny GPT on one pass of fresh text (no window is read twice in a run), AdamW
 * vs ADANA vs Dana-Star-MK4 with the paper's recipe, peak LRs from the paper's LR-scaling fits times a factor swept
 * at a short horizon, several seeds, and AdamW also at 1.25× and 1.5× the steps so its compute multiplier is read
 * off directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { kCrossEntropy, kCrossEntropyPerModel } from '@lemma/gpu-kernels';
import { adamw, adana, danaStarMK4, type ScheduleSpec } from '@lemma/optim';
import { defineGroupedCells, expectOneGroup } from '../../lib/cell-pool';
import { kTinyGPT } from '../../lib/models/k-tiny-gpt';
import { timedTrainSteps } from '../../lib/timed-train-steps';
import { loadTextCorpus, type TextCorpus } from '../../fixtures/text';
import { mean } from '../../lib/stats';

/** The optimizers compared. */
export const CHARLM_OPTIMIZERS = ['adamw', 'adana', 'dana-star-mk4'] as const;
export type CharLMOptimizer = (typeof CHARLM_OPTIMIZERS)[number];

export const CHARLM_LABEL: Record<CharLMOptimizer, string> = { adamw: 'AdamW', adana: 'ADANA κ=0.85', 'dana-star-mk4': 'Dana-Star-MK4' };

/**
 * The paper's peak-LR fits γ* = a(b + P)^d in the non-embedding parameter count P (authors' scaling_rules.yaml,
 * Enoki, batch 32 × 2048 tokens).
 */
export const LR_FIT: Record<CharLMOptimizer, { a: number; b: number; d: number }> = {
  adamw: { a: 12.8, b: 1.67e4, d: -0.515 },
  adana: { a: 22.5, b: 1.22e5, d: -0.618 },
  'dana-star-mk4': { a: 223, b: 2.4e6, d: -0.724 },
};

/** γ* of the paper's fit at P non-embedding parameters. */
export function fitLr(name: CharLMOptimizer, P: number): number {
  const f = LR_FIT[name];
  return f.a * Math.pow(f.b + P, f.d);
}

/** Width, blocks and heads of a model. */
export interface ModelSize {
  d: number;
  layers: number;
  heads: number;
}

export const sizeLabel = (s: ModelSize): string => `d${s.d}×${s.layers}`;

/** One training run (a cell of the pool). */
export interface CharLMCell {
  optimizer: CharLMOptimizer;
  size: ModelSize;
  /** Peak LR = factor × {@link fitLr}(P). */
  lrFactor: number;
  steps: number;
  batch: number;
  context: number;
  seed: number;
  evalEvery: number;
  valWindows: number;
}

/** Validation curve and bookkeeping of one run. */
export interface CharLMRun extends CharLMCell {
  lr: number;
  evalSteps: number[];
  valLoss: number[];
  params: number;
  nonEmbParams: number;
  tokensSeen: number;
  uniqueTokens: number;
  msPerStep: number;
}

/** What {@link makeCharLMOptimizer} may change in the recipe. */
export interface CharLMOptimizerOptions {
  /** K models trained together: one learning-rate scale per model (their parameters' leading axis is K). */
  learningRateScale?: number[];
  /** Global-norm clip (per model under learningRateScale); default the recipe's 0.5, null for none (tests). */
  clipNorm?: number | null;
}

/**
 * The paper's recipe (launch.sh): warm-up T/50, cosine to 0.1×, global-norm clip 0.5; AdamW β (0.9, 0.999) with
 * λ = ω/(γ*T); ADANA and Dana-Star-MK4 κ = 0.85, δ = 8, ω = 4 (log-time decay ω/(T/10 + t)), MK4 clipSNR 2.
 * No decay on biases, norms or embeddings (noDecay 'auto').
 */
export function makeCharLMOptimizer(name: CharLMOptimizer, lr: number, T: number, o: CharLMOptimizerOptions = {}): tf.Optimizer {
  const schedule: ScheduleSpec = { kind: 'warmupCosine', totalSteps: T, warmupSteps: Math.max(1, Math.round(T / 50)), floor: 0.1 };
  const clipNorm = o.clipNorm === undefined ? 0.5 : o.clipNorm;
  const common = { learningRate: lr, schedule, ...(clipNorm === null ? {} : { clipNorm }), ...(o.learningRateScale ? { learningRateScale: o.learningRateScale } : {}) };
  switch (name) {
    case 'adamw':
      // noDecay 'auto' (no decay on biases and gains), as the runs before adamw's default became torch's (decay everything).
      return adamw({ ...common, beta1: 0.9, beta2: 0.999, weightDecay: 4 / (lr * T), noDecay: 'auto' });
    case 'adana':
      return adana({ ...common, kappa: 0.85, delta: 8, omega: 4, totalSteps: T });
    case 'dana-star-mk4':
      return danaStarMK4({ ...common, kappa: 0.85, delta: 8, omega: 4, totalSteps: T, clipSNR: 2 });
  }
}

/** One-hot windows [n, L, V] and next characters [n, L, 1] starting at `starts`. */
export function windows(corpus: TextCorpus, starts: readonly number[], L: number): { x: tf.Tensor3D; y: tf.Tensor3D } {
  const V = corpus.vocab.length;
  const x = new Float32Array(starts.length * L * V);
  const y = new Float32Array(starts.length * L);
  starts.forEach((s, b) => {
    for (let j = 0; j < L; j++) {
      x[(b * L + j) * V + corpus.ids[s + j]!] = 1;
      y[b * L + j] = corpus.ids[s + j + 1]!;
    }
  });
  return { x: tf.tensor3d(x, [starts.length, L, V]), y: tf.tensor3d(y, [starts.length, L, 1]) };
}

/** Input and next-character ids of the L-character windows at `starts`, row-major [starts.length · L]. */
export function windowIds(corpus: TextCorpus, starts: readonly number[], L: number): { x: Int32Array; y: Int32Array; n: number } {
  const x = new Int32Array(starts.length * L);
  const y = new Int32Array(starts.length * L);
  starts.forEach((s, b) => {
    for (let j = 0; j < L; j++) {
      x[b * L + j] = corpus.ids[s + j]!;
      y[b * L + j] = corpus.ids[s + j + 1]!;
    }
  });
  return { x, y, n: starts.length };
}

/** Number of non-overlapping L-character training windows (each needs L + 1 characters: inputs and targets). */
const windowCount = (split: number, L: number): number => Math.floor((split - 1 - L) / L) + 1;

/**
 * Starts of the training windows of step t: consecutive non-overlapping L-character windows of the training split
 * from a seed-dependent offset, wrapping around; a run that reads at most the whole split never sees an input
 * character twice. Every optimizer sees the same text at a given seed.
 */
export function trainStarts(split: number, seed: number, t: number, batch: number, L: number): number[] {
  const W = windowCount(split, L);
  const offset = Math.floor(((seed * 0.6180339887498949) % 1) * W);
  return Array.from({ length: batch }, (_, b) => ((offset + t * batch + b) % W) * L);
}

/** Distinct input characters a run of `steps` reads (all of them, unless it exceeds the split). */
export function uniqueTokens(split: number, steps: number, batch: number, L: number): number {
  return Math.min(steps * batch, windowCount(split, L)) * L;
}

/** Windows of the validation split per evaluation forward pass (as tfjs-layers' evaluate batchSize 64 did). */
const VAL_CHUNK = 64;

/** Steps between training-loss read-backs. */
const READ_EVERY = 10;

/** The fields the cells of one group share (everything but the seed): cells with equal keys may train together. */
export function charLMGroupKey(c: CharLMCell): string {
  return JSON.stringify([c.optimizer, c.size.d, c.size.layers, c.size.heads, c.lrFactor, c.steps, c.batch, c.context, c.evalEvery, c.valWindows]);
}

/** Options of {@link trainCharLMGroup}. */
export interface CharLMGroupOptions {
  /** The text; default the shipped corpus. */
  corpus?: TextCorpus;
  /** Overrides the recipe's global-norm clip 0.5 (null: no clipping); for tests. */
  clipNorm?: number | null;
}

/**
 * Trains K cells that differ only in their seed as K tiny GPTs at once ({@link kTinyGPT}: parameters with a leading
 * model axis, one step, one replayed step graph on webgpu). Model k starts from tinyGPT's weights for its seed and
 * reads its own seed's windows ({@link trainStarts}); the loss is kCrossEntropy, the sum over models of each model's
 * mean next-character loss, so each model's gradient is exactly its lone gradient. One optimizer with
 * `learningRateScale` (all 1) steps the K slices as K separate optimizers would (noDecay 'auto' and the clip read
 * per model). Every `evalEvery` steps (and at 0 and the end), each model's loss on the fixed validation windows.
 * `msPerStep` is the group's training wall time (evaluations excluded) per model-step.
 */
export async function trainCharLMGroup(cells: readonly CharLMCell[], o: CharLMGroupOptions = {}): Promise<CharLMRun[]> {
  expectOneGroup('trainCharLMGroup', cells, charLMGroupKey, 'seed');
  const cell = cells[0]!;
  const corpus = o.corpus ?? loadTextCorpus();
  const K = cells.length;
  const V = corpus.vocab.length;
  const L = cell.context;
  const B = cell.batch;
  const N = B * L;
  const net = kTinyGPT(V, L, cell.size.d, cell.size.layers, cell.size.heads, cells.map((c) => c.seed));
  const P = net.nonEmbeddingParams();
  const params = net.countParams();
  const lr = cell.lrFactor * fitLr(cell.optimizer, P);
  // learningRateScale also at K = 1: the variables are [1, ...] then, and noDecay 'auto' must judge the per-model shape.
  const opt = makeCharLMOptimizer(cell.optimizer, lr, cell.steps, { learningRateScale: cells.map(() => 1), ...(o.clipNorm === undefined ? {} : { clipNorm: o.clipNorm }) });
  const vars = net.variables();
  // Fixed validation windows, evenly spread over the held-out split (the same for every run), shared by the K models.
  const valLen = corpus.ids.length - corpus.split - L - 1;
  const valStarts = Array.from({ length: cell.valWindows }, (_, i) => corpus.split + Math.floor((i * valLen) / cell.valWindows));
  const chunks: { x: tf.Tensor; y: tf.Tensor; n: number }[] = [];
  try {
    for (let i = 0; i < valStarts.length; i += VAL_CHUNK) {
      const w = windowIds(corpus, valStarts.slice(i, i + VAL_CHUNK), L);
      const n = w.n;
      chunks.push({ x: tf.tidy(() => tf.reshape(tf.cast(tf.oneHot(tf.tensor1d(w.x, 'int32'), V), 'float32'), [1, n, L, V])), y: tf.tensor1d(w.y, 'int32'), n });
    }
    const evalSteps: number[] = [];
    const valLoss: number[][] = cells.map(() => []);
    const evaluate = async (step: number) => {
      // Each model's mean over every validation character: chunk means weighted by chunk size.
      let sum: tf.Tensor | null = null;
      for (const c of chunks) {
        const part = tf.tidy(() => tf.mul(kCrossEntropyPerModel(tf.reshape(net.forward(c.x), [K, c.n * L, V]), c.y), c.n));
        const next: tf.Tensor = sum ? tf.add(sum, part) : part;
        if (sum) tf.dispose([sum, part]);
        sum = next;
      }
      const v = await sum!.data();
      sum!.dispose();
      evalSteps.push(step);
      valLoss.forEach((curve, k) => curve.push(v[k]! / valStarts.length));
    };
    // Batch of step t: input and target ids [K, B·L], model k's rows from its own seed's windows.
    const batchAt = (t: number): tf.Tensor[] => {
      const x = new Int32Array(K * N);
      const y = new Int32Array(K * N);
      cells.forEach((c, k) => {
        const w = windowIds(corpus, trainStarts(corpus.split, c.seed, t, B, L), L);
        x.set(w.x, k * N);
        y.set(w.y, k * N);
      });
      return [tf.tensor2d(x, [K, N], 'int32'), tf.tensor2d(y, [K, N], 'int32')];
    };
    const step = ([ids, targets]: tf.Tensor[]): tf.Scalar =>
      tf.tidy(() => {
        const x = tf.reshape(tf.cast(tf.oneHot(ids as tf.Tensor2D, V), 'float32'), [K, B, L, V]);
        const loss = opt.minimize(() => kCrossEntropy(tf.reshape(net.forward(x), [K, N, V]), targets!), true, vars)!;
        // Logged loss: the mean over models of each model's training loss.
        return tf.div(loss, K) as tf.Scalar;
      });
    await evaluate(0);
    let evalMs = 0;
    const t0 = performance.now();
    await timedTrainSteps(step, batchAt, {
      steps: cell.steps,
      models: K,
      readEvery: READ_EVERY,
      evaluate: {
        every: cell.evalEvery,
        run: async (done) => {
          const e0 = performance.now();
          await evaluate(done);
          evalMs += performance.now() - e0;
        },
      },
      run: `charlm-${cell.optimizer}-d${cell.size.d}x${cell.size.layers}-lr${cell.lrFactor}-T${cell.steps}-seed${cells.map((c) => c.seed).join('_')}`,
    });
    const msPerStep = (performance.now() - t0 - evalMs) / (cell.steps * K);
    return cells.map((c, k) => ({
      ...c,
      lr,
      evalSteps: [...evalSteps],
      valLoss: valLoss[k]!,
      params,
      nonEmbParams: P,
      tokensSeen: c.steps * c.batch * L,
      uniqueTokens: uniqueTokens(corpus.split, c.steps, c.batch, L),
      msPerStep,
    }));
  } finally {
    tf.dispose(chunks.flatMap((c) => [c.x, c.y]));
    opt.dispose();
    net.dispose();
  }
}

/** Trains one cell on the shipped text corpus (a group of one). */
export async function trainCharLM(cell: CharLMCell, corpus: TextCorpus = loadTextCorpus()): Promise<CharLMRun> {
  return (await trainCharLMGroup([cell], { corpus }))[0]!;
}

/** The training cells: on webgpu, cells with equal {@link charLMGroupKey} (seeds of one setting) train as one group. */
export const charLMCells = defineGroupedCells('optim-char-lm/train', (cells: CharLMCell[]) => trainCharLMGroup(cells));

/**
 * First step at which a validation curve reaches `target`, linearly interpolated between evaluations; null when
 * it never does.
 */
export function stepToReach(steps: readonly number[], losses: readonly number[], target: number): number | null {
  if (losses[0]! <= target) return steps[0]!;
  for (let i = 1; i < steps.length; i++) {
    if (losses[i]! <= target) {
      const f = (losses[i - 1]! - target) / (losses[i - 1]! - losses[i]!);
      return steps[i - 1]! + f * (steps[i]! - steps[i - 1]!);
    }
  }
  return null;
}

/**
 * Budget multiplier at which AdamW's final loss (measured at budgets `mults`) reaches `target`, by linear
 * interpolation in (multiplier, loss); beyond the largest budget, extrapolated linearly in log(multiplier)
 * from the last two points (flagged), and null when AdamW's losses do not decrease with budget. A target AdamW
 * already beats at the first budget gives that budget (the caller reads a smaller multiplier off the curve).
 */
export function matchingBudget(mults: readonly number[], losses: readonly number[], target: number): { mult: number | null; extrapolated: boolean } {
  if (losses[0]! <= target) return { mult: mults[0]!, extrapolated: false };
  for (let i = 1; i < mults.length; i++) {
    if (losses[i]! <= target) {
      const f = (losses[i - 1]! - target) / (losses[i - 1]! - losses[i]!);
      return { mult: mults[i - 1]! + f * (mults[i]! - mults[i - 1]!), extrapolated: false };
    }
  }
  const n = mults.length;
  const slope = (losses[n - 1]! - losses[n - 2]!) / (Math.log(mults[n - 1]!) - Math.log(mults[n - 2]!));
  if (!(slope < 0)) return { mult: null, extrapolated: true };
  return { mult: mults[n - 1]! * Math.exp((target - losses[n - 1]!) / slope), extrapolated: true };
}

/**
 * AdamW's compute multiplier to match `target` (another optimizer's mean final loss) from its runs at each budget:
 * final losses interpolated across budgets; when AdamW's 1× run already beats the target, the step at which its
 * mean 1× curve first reaches it, over T (< 1, read off a run that was not annealed there).
 */
export function computeMultiplier(mults: readonly number[], adamFinals: readonly (readonly number[])[], adamCurve: { steps: number[]; loss: number[] }, T: number, target: number): { mult: number | null; extrapolated: boolean } {
  const losses = adamFinals.map(mean);
  if (losses[0]! <= target) {
    const s = stepToReach(adamCurve.steps, adamCurve.loss, target);
    return { mult: s === null ? 1 : s / T, extrapolated: false };
  }
  return matchingBudget(mults, losses, target);
}

/** Seeded bootstrap over seeds of {@link computeMultiplier}: 2.5% and 97.5% quantiles. */
export function bootstrapMultiplier(
  mults: readonly number[],
  adamFinals: readonly (readonly number[])[],
  adamCurves: readonly { steps: number[]; loss: number[] }[],
  T: number,
  otherFinals: readonly number[],
  draws = 2000,
  seed = 1,
): { lo: number | null; hi: number | null } {
  let a = seed >>> 0;
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <X>(xs: readonly X[]): X[] => xs.map(() => xs[Math.floor(rand() * xs.length)]!);
  const out: number[] = [];
  for (let i = 0; i < draws; i++) {
    const curves = pick(adamCurves);
    const curve = { steps: curves[0]!.steps, loss: curves[0]!.steps.map((_, j) => mean(curves.map((c) => c.loss[j]!))) };
    const m = computeMultiplier(mults, adamFinals.map(pick), curve, T, mean(pick(otherFinals)));
    out.push(m.mult ?? Infinity);
  }
  out.sort((x, y) => x - y);
  const q = (p: number) => out[Math.min(out.length - 1, Math.floor(p * out.length))]!;
  const fin = (x: number) => (Number.isFinite(x) ? x : null);
  return { lo: fin(q(0.025)), hi: fin(q(0.975)) };
}
