/** curated-retrain-moons: the paper's two-moons toy, curated only vs real + curated, 3 seeds, with the exact grid oracle. */
import type { Reproduction, ReproResult } from '../../types';
import { FULL_PLAN, QUICK_PLAN, exactMoons, runMoons, type MoonsCell, type MoonsPlan, moonsDataSeed, moonsGmmSeed, moonsLoopSeed, moonsRunSeed } from './experiment';
import { moonsFigures } from './figures';
import { meanNormalCi95 } from '../../lib/mean-interval';
import { mean } from '../../lib/stats';
import { CURATED_RETRAIN_PAPER } from '../../lib/papers';
import { round } from '../../lib/format';

/**
 * Expected outcome, stated before the run (mean over seeds at t = T): curated only keeps < 10% of its samples on
 * the lower moon (it starts at 50%; the exact grid update gives 0.05 at t = 2 and 0.005 at t = 10); with λ = 1 more
 * than 15% stay there (the exact update plateaus at 0.26, computed beside it); E[r] rises in both settings for
 * every seed.
 */
export const EXPECTED = { curatedLowerMax: 0.1, lambda1LowerMin: 0.15 };

/** A plan for the tests: both settings, two seeds, two iterations on 200 points. */
export const TINY_PLAN: MoonsPlan = { nReal: 200, iterations: 2, K: 4, components: 3, seeds: [0, 1], evalSamples: 200 };

export async function runMoonsRepro(ctx: Parameters<Reproduction['run']>[0], plan: MoonsPlan): Promise<ReproResult> {
  const cells: MoonsCell[] = [Infinity, 1].flatMap((lambda) => plan.seeds.map((s) => ({ plan, lambda, seed: moonsRunSeed(ctx.seed, s) })));
  const runs = await runMoons.map(ctx, cells, ctx.progress('two-moons runs', cells.length));
  const T = plan.iterations;
  const exact = exactMoons(T, plan.K);
  const cur = runs.filter((r) => r.lambda === Infinity);
  const mix = runs.filter((r) => r.lambda === 1);
  const lowCur = meanNormalCi95(cur.map((r) => r.lowerShare[T]!));
  const lowMix = meanNormalCi95(mix.map((r) => r.lowerShare[T]!));
  const rises = runs.every((r) => r.expectedReward[T]! > r.expectedReward[0]!);
  const reproduced = lowCur.mean < EXPECTED.curatedLowerMax && lowMix.mean > EXPECTED.lambda1LowerMin && rises;
  return {
    summary: `moons: lower-moon share ${round(mean(cur.map((r) => r.lowerShare[0]!)))} → ${round(lowCur.mean)} curated-only (exact ${round(exact.curated.lower[T]!)}) vs ${round(lowMix.mean)} with λ=1 (exact ${round(exact.mixed.lower[T]!)})`,
    metrics: {
      lower_moon_share_curated_only_final: round(lowCur.mean),
      lower_moon_share_curated_only_final_ci95: round(lowCur.ci),
      lower_moon_share_lambda1_final: round(lowMix.mean),
      lower_moon_share_lambda1_final_ci95: round(lowMix.ci),
      exact_lower_moon_share_curated_only_final: round(exact.curated.lower[T]!),
      exact_lower_moon_share_lambda1_final: round(exact.mixed.lower[T]!),
      reward_curated_only_final: round(mean(cur.map((r) => r.expectedReward[T]!))),
      reward_lambda1_final: round(mean(mix.map((r) => r.expectedReward[T]!))),
      exact_reward_curated_only_final: round(exact.curated.reward[T]!),
      exact_reward_lambda1_final: round(exact.mixed.reward[T]!),
      reward_initial: round(mean(runs.map((r) => r.expectedReward[0]!))),
      sliced_w2_curated_only_final: round(mean(cur.map((r) => r.wasserstein[T]!))),
      sliced_w2_lambda1_final: round(mean(mix.map((r) => r.wasserstein[T]!))),
      lower_moon_share_curated_only_per_seed: cur.map((r) => round(r.lowerShare[T]!)),
      lower_moon_share_lambda1_per_seed: mix.map((r) => round(r.lowerShare[T]!)),
      reward_rises_every_run: rises,
      iterations: T,
      K: plan.K,
      n_real: plan.nReal,
      seeds: plan.seeds.length,
    },
    reproduced,
    figures: moonsFigures(runs, exact),
    seeds: { seed: ctx.seed, ...Object.fromEntries(cells.map((c) => [`${c.lambda === Infinity ? 'curated' : 'lambda1'}_${c.seed}`, c.seed])) },
  };
}

export const reproduction: Reproduction = {
  id: 'curated-retrain-moons',
  title: 'Curated retraining on two moons: curated-only loses a moon, real data keeps both',
  paper: CURATED_RETRAIN_PAPER,
  package: '@lemma/curated-retrain',
  seedDerivations: [moonsRunSeed, moonsDataSeed, moonsGmmSeed, moonsLoopSeed],
  run: (ctx) => runMoonsRepro(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => runMoonsRepro(ctx, TINY_PLAN),
};
