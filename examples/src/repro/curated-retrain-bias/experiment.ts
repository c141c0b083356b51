/**
 * curated-retrain-bias, the science: a confidence reward r = γ max_i q_i(x) from a classifier on a 5-class toy
 * dataset. A Gaussian mixture is retrained on its own curated samples, curated only vs with real data (λ = 1).
 * Plan → data; the verdict, metrics and figures live beside it.
 */
import { gaussianMixtureModel, type IterationMetrics, type Samples } from '@lemma/curated-retrain';
import { mixtureSamples, runWithSnapshots } from '../../lib/curated-retraining';
import type { ReproContext } from '../../types';
import { defineSeed } from '../../lib/seeds';

// Three overlapping classes near the origin and two isolated ones: the classifier is confident on the latter.
export const BIAS_CENTRES = [[-1, 0], [1, 0], [0, 1.5], [4.5, 0], [0, -4]];
export const BIAS_STDS = [0.9, 0.9, 0.9, 0.6, 0.6];
export const BIAS_WEIGHTS = [0.25, 0.25, 0.2, 0.15, 0.15];
export const CONF_GAMMA = 5; // γ = 5 as in the paper's CIFAR-10 single-class reward.

/** The "pretrained classifier": the Bayes posterior q_i(x) of the data-generating mixture. */
export function classifierProbs(x: Samples): Float64Array {
  const C = BIAS_CENTRES.length;
  const out = new Float64Array(x.n * C);
  for (let i = 0; i < x.n; i++) {
    let s = 0;
    for (let c = 0; c < C; c++) {
      const d2 = (x.data[2 * i]! - BIAS_CENTRES[c]![0]!) ** 2 + (x.data[2 * i + 1]! - BIAS_CENTRES[c]![1]!) ** 2;
      const v = (BIAS_WEIGHTS[c]! / BIAS_STDS[c]! ** 2) * Math.exp(-d2 / (2 * BIAS_STDS[c]! ** 2));
      out[i * C + c] = v;
      s += v;
    }
    for (let c = 0; c < C; c++) out[i * C + c] = s > 0 ? out[i * C + c]! / s : 1 / C;
  }
  return out;
}

export const confidenceReward = (x: Samples): Float64Array => {
  const q = classifierProbs(x);
  const C = BIAS_CENTRES.length;
  return Float64Array.from({ length: x.n }, (_, i) => CONF_GAMMA * Math.max(...q.subarray(i * C, (i + 1) * C)));
};

export const predictClass = (x: Samples): Int32Array => {
  const q = classifierProbs(x);
  const C = BIAS_CENTRES.length;
  return Int32Array.from({ length: x.n }, (_, i) => {
    const row = q.subarray(i * C, (i + 1) * C);
    return row.indexOf(Math.max(...row));
  });
};

/** One retraining run of a setting. */
export interface BiasRun {
  name: string;
  metrics: IterationMetrics[];
  snapshots: Map<number, Samples>;
}

/** Everything the verdict, metrics and figures need. */
export interface BiasData {
  T: number;
  K: number;
  lambda: number;
  dataSeed: number;
  /** Curated only, then λ. */
  runs: BiasRun[];
}

export interface BiasPlan {
  /** Retraining iterations T. */
  iterations: number;
  /** Real data points (also the samples per iteration at λ = 1). */
  nReal: number;
  /** EM iterations of each GMM fit. */
  emIterations: number;
  /** Samples of each iteration's metrics (undefined: retrain's default, 2000). */
  evalSamples?: number;
}

export const QUICK_PLAN: BiasPlan = { iterations: 10, nReal: 2000, emIterations: 200 };
export const FULL_PLAN: BiasPlan = { iterations: 20, nReal: 5000, emIterations: 200 };

/** Runs both settings from the same GMM seed and loop seed. */
/** The seed of the real data. */
export const biasDataSeed = defineSeed('data', 'base·1000 + 2', (base: number) => base * 1000 + 2);
/** The seed of the GMM (both settings start from the same one). */
export const biasGmmSeed = defineSeed('gmm', 'base + 21', (base: number) => base + 21);
/** The seed of the retraining loop (curation draws). */
export const biasLoopSeed = defineSeed('loop', 'base + 23', (base: number) => base + 23);

export async function runBias(ctx: ReproContext, plan: BiasPlan): Promise<BiasData> {
  const T = plan.iterations;
  const K = 4;
  const lambda = 1;
  const nReal = plan.nReal;
  const dataSeed = biasDataSeed(ctx.seed);
  const { x: real } = mixtureSamples(nReal, BIAS_CENTRES, BIAS_STDS, BIAS_WEIGHTS, dataSeed);
  const runs: BiasRun[] = [];
  for (const s of [{ name: 'curated only', lambda: Infinity }, { name: `real + curated (λ=${lambda})`, lambda }]) {
    const model = gaussianMixtureModel({ dim: 2, components: 5, seed: biasGmmSeed(ctx.seed), emIterations: plan.emIterations });
    const out = await runWithSnapshots(
      ctx,
      s.name,
      { model, realData: real, reward: confidenceReward, K, syntheticToRealRatio: s.lambda, iterations: T, seed: biasLoopSeed(ctx.seed), classify: predictClass, numClasses: 5, ...(plan.evalSamples === undefined ? {} : { evalSamples: plan.evalSamples }) },
      [0, T],
      400,
    );
    runs.push({ name: s.name, ...out });
  }
  return { T, K, lambda, dataSeed, runs };
}
