/**
 * curated-retrain-ring: curated retraining on a ring of 8 Gaussians collapses onto the reward region; with real data
 * re-injected (λ = 1) the KL to the data stays within log(1 + λ).
 */
import type { IterationMetrics } from '@lemma/curated-retrain';
import { round } from '../../lib/format';
import { CURATED_RETRAIN_PAPER } from '../../lib/papers';
import type { Reproduction, ReproResult, Table } from '../../types';
import { FULL_PLAN, QUICK_PLAN, RING_CENTRES, ringSeeds, runRing, type RingData, type RingPlan, RING_SEED_DERIVATIONS, flowMatchingSeed, flowMatchingLoopSeed } from './experiment';
import { exactReward, ringFigures } from './figures';

type Run = { metrics: IterationMetrics[] };
const last = (r: Run) => r.metrics[r.metrics.length - 1]!;

/** Verdict, metrics and tables from the experiment's data. */
export function ringResult(data: RingData, seed: number): ReproResult {
  const { runs, exact, T, K, lambda, nReal, bySetting, seedIdx } = data;
  const gmm = runs.filter((r) => r.model === 'GMM');
  const fm = runs.filter((r) => r.model === 'flow matching');
  const [cur, mix] = [gmm[0]!, gmm[1]!];
  const topMass = (p: Float64Array) => p.reduce((a, v, i) => a + (exact.r[i] === 0 ? v : 0), 0);
  const klBound = Math.log(1 + lambda);
  const maxMixKl = Math.max(...mix.metrics.slice(1).map((m) => m.klToData!));
  // The verdict must hold for every seed (stated before the run: curated-only E[r] gains > 0.5, λ = 1 E[r] rises,
  // curated-only KL to the data > 2× that of λ = 1, and λ = 1 stays within log(1+λ) + 0.1 at every iteration).
  const seedOk = (c: Run, m: Run): boolean =>
    last(c).expectedReward > c.metrics[0]!.expectedReward + 0.5 &&
    last(m).expectedReward > m.metrics[0]!.expectedReward &&
    last(c).klToData! > 2 * last(m).klToData! &&
    Math.max(...m.metrics.slice(1).map((x) => x.klToData!)) <= klBound + 0.1;
  const perSeedOk = seedIdx.map((s) => seedOk(bySetting[0]![s]!, bySetting[1]![s]!));
  const reproduced = perSeedOk.every(Boolean);
  const acrossSeeds = (k: number, f: (r: Run) => number) => bySetting[k]!.map((r) => round(f(r)));

  const modeTable: Table = {
    title: 'Mode proportions (nearest ring centre) at the last iteration; mode 0 is at x*',
    columns: ['model', 'setting', ...RING_CENTRES.map((_, k) => `mode ${k}`)],
    rows: runs.map((r) => [r.model, r.name, ...last(r).classProportions!.map((v) => round(v, 3))]),
  };
  const summaryTable: Table = {
    title: 'Start vs end of retraining',
    columns: ['model', 'setting', 'E[r] t=0', 'E[r] end', 'KL(p_data‖p_t) end', 'SW2 end', 'Sinkhorn end', 'entropy end'],
    rows: runs.map((r) => [r.model, r.name, round(r.metrics[0]!.expectedReward), round(last(r).expectedReward), round(last(r).klToData!), round(last(r).wassersteinToData!), last(r).sinkhornToData === null ? null : round(last(r).sinkhornToData!), round(last(r).entropy!)]),
  };
  const metrics: Record<string, number | number[]> = {
    iterations: T,
    K,
    lambda,
    nReal,
    gmmCuratedRewardStart: round(cur.metrics[0]!.expectedReward),
    gmmCuratedRewardEnd: round(last(cur).expectedReward),
    gmmMixedRewardEnd: round(last(mix).expectedReward),
    gmmCuratedKlEnd: round(last(cur).klToData!),
    gmmMixedKlEnd: round(last(mix).klToData!),
    gmmMixedKlMax: round(maxMixKl),
    gmmCuratedSinkhornEnd: round(last(cur).sinkhornToData!),
    gmmMixedSinkhornEnd: round(last(mix).sinkhornToData!),
    klBoundLog1pLambda: round(klBound),
    exactCuratedRewardEnd: round(exactReward(data, exact.curated)[T]!),
    exactMixedRewardEnd: round(exactReward(data, exact.mixed)[T]!),
    exactCuratedTopLevelMass: round(topMass(exact.curated[T]!)),
    exactMixedTopLevelMass: round(topMass(exact.mixed[T]!)),
    exactDataTopLevelMass: round(topMass(exact.curated[0]!)),
    gmmCuratedRewardCurve: cur.metrics.map((m) => round(m.expectedReward)),
    gmmSeeds: seedIdx.length,
    gmmCuratedRewardEndPerSeed: acrossSeeds(0, (r) => last(r).expectedReward),
    gmmMixedRewardEndPerSeed: acrossSeeds(1, (r) => last(r).expectedReward),
    gmmCuratedKlEndPerSeed: acrossSeeds(0, (r) => last(r).klToData!),
    gmmMixedKlEndPerSeed: acrossSeeds(1, (r) => last(r).klToData!),
    gmmMixedKlMaxPerSeed: acrossSeeds(1, (r) => Math.max(...r.metrics.slice(1).map((x) => x.klToData!))),
    gmmVerdictPerSeed: perSeedOk.map(Number),
    gmmMixedRewardCurve: mix.metrics.map((m) => round(m.expectedReward)),
  };
  for (const r of fm) {
    const key = r.lambda === Infinity ? 'fmCurated' : 'fmMixed';
    metrics[`${key}RewardStart`] = round(r.metrics[0]!.expectedReward);
    metrics[`${key}RewardEnd`] = round(last(r).expectedReward);
    metrics[`${key}KlEnd`] = round(last(r).klToData!);
  }
  return {
    summary: `ring: E[r] ${round(cur.metrics[0]!.expectedReward, 2)} -> ${round(last(cur).expectedReward, 2)} curated-only (KL to data ${round(last(cur).klToData!, 2)}) vs -> ${round(last(mix).expectedReward, 2)} with real data (KL ${round(last(mix).klToData!, 2)} <= log 2)`,
    metrics,
    reproduced,
    tables: [summaryTable, modeTable],
    figures: ringFigures(data),
    seeds: { seed, data: data.dataSeed, flowMatching: flowMatchingSeed(seed), loop: flowMatchingLoopSeed(seed), ...Object.fromEntries(seedIdx.flatMap((s) => Object.entries(ringSeeds(seed, s)).map(([k, v]) => [`gmm${s}_${k}`, v]))) },
  };
}

/** A plan for the tests: both models and settings, two seeds, two iterations at toy budgets. */
export const TINY_PLAN: RingPlan = {
  iterations: 2,
  nReal: 200,
  seeds: 2,
  gmm: { emIterations: 20, evalSamples: 200, sinkhorn: { points: 50, iterations: 20 } },
  flow: { realSamples: 100, iterations: 1, stepsPerFit: 5, initialFits: 1, sampleSteps: 2, hidden: 8, evalSamples: 100, reduced: true },
};

export const reproduction: Reproduction = {
  id: 'curated-retrain-ring',
  title: 'Curated retraining on a ring of 8 Gaussians: collapse to the reward region vs stability with real data',
  paper: CURATED_RETRAIN_PAPER,
  package: '@lemma/curated-retrain',
  seedDerivations: RING_SEED_DERIVATIONS,
  run: async (ctx) => ringResult(await runRing(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN), ctx.seed),
  runTiny: async (ctx) => ringResult(await runRing(ctx, TINY_PLAN), ctx.seed),
};
