/**
 * curated-retrain-bias: bias amplification. A confidence reward skews the class proportions of a retrained GMM
 * towards the classes the classifier is sure of, unless real data is re-injected.
 */
import type { IterationMetrics } from '@lemma/curated-retrain';
import { round } from '../../lib/format';
import { CURATED_RETRAIN_PAPER } from '../../lib/papers';
import type { Reproduction, ReproResult, Table } from '../../types';
import { BIAS_CENTRES, FULL_PLAN, QUICK_PLAN, runBias, type BiasData, type BiasPlan, biasDataSeed, biasGmmSeed, biasLoopSeed } from './experiment';
import { biasFigures } from './figures';

const last = (r: { metrics: IterationMetrics[] }) => r.metrics[r.metrics.length - 1]!;
const tv = (a: number[], b: number[]) => 0.5 * a.reduce((s, v, i) => s + Math.abs(v - b[i]!), 0);

/** Verdict, metrics and tables from the experiment's data. */
export function biasResult(data: BiasData, seed: number): ReproResult {
  const { runs, T, K, lambda } = data;
  const [cur, mix] = [runs[0]!, runs[1]!];
  const curDrift = tv(last(cur).classProportions!, cur.metrics[0]!.classProportions!);
  const mixDrift = tv(last(mix).classProportions!, mix.metrics[0]!.classProportions!);
  // Reproduced: curated-only drifts more than 3× as far (TV) as λ = 1 and by more than 0.1, and E[r] rises in both settings.
  const reproduced =
    curDrift > 3 * mixDrift && curDrift > 0.1 &&
    last(cur).expectedReward > cur.metrics[0]!.expectedReward &&
    last(mix).expectedReward > mix.metrics[0]!.expectedReward;
  const table: Table = {
    title: 'Class proportions: data (t = 0) and last iteration',
    columns: ['setting', 'iteration', ...BIAS_CENTRES.map((_, c) => `class ${c}`), 'E[r]'],
    rows: runs.flatMap((r) => [r.metrics[0]!, last(r)].map((m) => [r.name, m.iteration, ...m.classProportions!.map((v) => round(v, 3)), round(m.expectedReward)])),
  };
  return {
    summary: `bias: class-proportion drift (TV) ${round(curDrift, 3)} curated-only vs ${round(mixDrift, 3)} with real data; E[r] ${round(cur.metrics[0]!.expectedReward, 2)} -> ${round(last(cur).expectedReward, 2)} / ${round(last(mix).expectedReward, 2)}`,
    metrics: {
      iterations: T,
      K,
      lambda,
      curatedDriftTV: round(curDrift),
      mixedDriftTV: round(mixDrift),
      curatedProportionsEnd: last(cur).classProportions!.map((v) => round(v)),
      mixedProportionsEnd: last(mix).classProportions!.map((v) => round(v)),
      dataProportions: cur.metrics[0]!.classProportions!.map((v) => round(v)),
      curatedRewardStart: round(cur.metrics[0]!.expectedReward),
      curatedRewardEnd: round(last(cur).expectedReward),
      mixedRewardEnd: round(last(mix).expectedReward),
    },
    reproduced,
    tables: [table],
    figures: biasFigures(data),
    seeds: { seed, data: data.dataSeed, gmm: biasGmmSeed(seed), loop: biasLoopSeed(seed) },
  };
}

/** A plan for the tests: both settings, two iterations on 200 points. */
export const TINY_PLAN: BiasPlan = { iterations: 2, nReal: 200, emIterations: 20, evalSamples: 200 };

export const reproduction: Reproduction = {
  id: 'curated-retrain-bias',
  title: 'Bias amplification: a confidence reward skews class proportions unless real data is re-injected',
  paper: CURATED_RETRAIN_PAPER,
  package: '@lemma/curated-retrain',
  seedDerivations: [biasDataSeed, biasGmmSeed, biasLoopSeed],
  run: async (ctx) => biasResult(await runBias(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN), ctx.seed),
  runTiny: async (ctx) => biasResult(await runBias(ctx, TINY_PLAN), ctx.seed),
};
