/**
 * The science of `optim-char-lm`: a tiny GPT on one pass of fresh text (no window is read twice in a run), AdamW
 * vs ADANA vs Dana-Star-MK4 with the paper's recipe, peak LRs from the paper's LR-scaling fits times a factor swept
 * at a short horizon, several seeds, and AdamW also at 1.25× and 1.5× the steps so its compute multiplier is read
 * off directly.
 */
import * as tf from '@tensorflow/tfjs-core';
import { adamw, adana, danaStarMK4, type ScheduleSpec } from '@lemma/optim';
import { defineCells } from '../../lib/cell-pool';
import { nonEmbeddingParams, tinyGPT } from '../../lib/models/tiny-gpt';
import { trainLoop } from '../../lib/train-loop';
import { loadTextCorpus, type TextCorpus } from '../../fixtures/text';

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

/**
 * The paper's recipe (launch.sh): warm-up T/50, cosine to 0.1×, global-norm clip 0.5; AdamW β (0.9, 0.999) with
 * λ = ω/(γ*T); ADANA and Dana-Star-MK4 κ = 0.85, δ = 8, ω = 4 (log-time decay ω/(T/10 + t)), MK4 clipSNR 2.
 * No decay on biases, norms or embeddings (noDecay 'auto').
 */
export function makeCharLMOptimizer(name: CharLMOptimizer, lr: number, T: number): tf.Optimizer {
  const schedule: ScheduleSpec = { kind: 'warmupCosine', totalSteps: T, warmupSteps: Math.max(1, Math.round(T / 50)), floor: 0.1 };
  const common = { learningRate: lr, schedule, clipNorm: 0.5 };
  switch (name) {
    case 'adamw':
      return adamw({ ...common, beta1: 0.9, beta2: 0.999, weightDecay: 4 / (lr * T) });
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

/** Trains one cell on the shipped text corpus. */
export async function trainCharLM(cell: CharLMCell, corpus: TextCorpus = loadTextCorpus()): Promise<CharLMRun> {
  const V = corpus.vocab.length;
  const L = cell.context;
  const model = tinyGPT(V, L, cell.size.d, cell.size.layers, cell.size.heads, cell.seed);
  const P = nonEmbeddingParams(model);
  const lr = cell.lrFactor * fitLr(cell.optimizer, P);
  model.compile({ optimizer: makeCharLMOptimizer(cell.optimizer, lr, cell.steps), loss: 'sparseCategoricalCrossentropy' });
  // Fixed validation windows, evenly spread over the held-out split (the same for every run).
  const valLen = corpus.ids.length - corpus.split - L - 1;
  const val = windows(corpus, Array.from({ length: cell.valWindows }, (_, i) => corpus.split + Math.floor((i * valLen) / cell.valWindows)), L);
  const evalSteps: number[] = [];
  const valLoss: number[] = [];
  const evaluate = async (step: number) => {
    const l = model.evaluate(val.x, val.y, { batchSize: 64 }) as tf.Scalar;
    evalSteps.push(step);
    valLoss.push((await l.data())[0]!);
    l.dispose();
  };
  await evaluate(0);
  const msPerStep = await trainLoop(model, {
    steps: cell.steps,
    batchAt: (t) => windows(corpus, trainStarts(corpus.split, cell.seed, t, cell.batch, L), L),
    evalEvery: cell.evalEvery,
    onEval: evaluate,
  });
  const params = model.countParams();
  tf.dispose([val.x, val.y]);
  model.optimizer.dispose();
  model.dispose();
  return {
    ...cell,
    lr,
    evalSteps,
    valLoss,
    params,
    nonEmbParams: P,
    tokensSeen: cell.steps * cell.batch * L,
    uniqueTokens: uniqueTokens(corpus.split, cell.steps, cell.batch, L),
    msPerStep,
  };
}

export const charLMCells = defineCells('optim-char-lm/train', (cell: CharLMCell) => trainCharLM(cell));

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

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

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
