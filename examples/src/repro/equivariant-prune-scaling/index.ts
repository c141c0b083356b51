/**
 * equivariant-prune-scaling: sup error of the pruned random network against samples per coefficient m (the log(1/ε)
 * direction) for MLP, DeepSets, 2-order and C4 targets. The size direction is tested by equivariant-prune-law.
 */
import type { Reproduction, ReproContext, ReproResult, Table } from '../../types';
import { runScaling, samplesFor, type ScalingPlan, scalingRandomSeed } from './experiment';
import { errorFigure } from './figures';
import { EQUIVARIANT_PRUNE_PAPER } from '../../lib/papers';

export type { ScalingPlan } from './experiment';

const PKG = '@lemma/equivariant-prune';

export const QUICK_PLAN: ScalingPlan = { ms: [4, 6, 8, 10, 12, 14, 16, 18, 20], seeds: 5, probes: 128 };
export const FULL_PLAN: ScalingPlan = { ms: [4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28], seeds: 15, probes: 512 };
/** A plan for the tests: every family, three m, two seeds. */
export const TINY_PLAN: ScalingPlan = { ms: [4, 6, 8], seeds: 2, probes: 16 };

export async function scaling(ctx: ReproContext, plan: ScalingPlan): Promise<ReproResult> {
  const data = runScaling(ctx, plan);
  const fits: Table['rows'] = [];
  const counts: Table['rows'] = [];
  const metrics: ReproResult['metrics'] = {};
  let allOk = true;
  for (const fam of data.families) {
    const { fit, counts: c } = fam;
    counts.push([fam.name, c.m, c.target, c.random, c.kept, Math.round(c.lowerBound), Number(c.eps.toExponential(2))]);
    const ok = fit.b < 0 && fit.r2 > 0.8;
    allOk &&= ok;
    const key = fam.name.split(' ')[0]!.toLowerCase();
    metrics[`${key}_log2err_slope_per_sample`] = fit.b;
    metrics[`${key}_r2`] = fit.r2;
    metrics[`${key}_err_at_max_m`] = fam.error[fam.error.length - 1]!;
    fits.push([fam.name, Number(fit.b.toFixed(3)), Number(fit.r2.toFixed(3)), samplesFor(fit, 1e-2), samplesFor(fit, 1e-3), samplesFor(fit, 1e-4)]);
  }
  return {
    summary: `sup error of the pruned random net falls exponentially in samples per coefficient (log2 slopes ${fits.map((f) => f[1]).join(', ')} per sample) for MLP, DeepSets, 2-order and C4-CNN targets`,
    metrics,
    reproduced: allOk,
    tables: [
      { title: 'Fit log2(sup error) = a + b·m; samples m needed for eps (linear in log 1/eps)', columns: ['family', 'b (log2 error per sample)', 'R²', 'm for 1e-2', 'm for 1e-3', 'm for 1e-4'], rows: fits },
      { title: 'Equivariant parameters (coefficients) at the largest m', columns: ['family', 'm', 'target', 'random', 'kept', 'lower bound target·log2(1/2eps)', 'achieved eps'], rows: counts },
    ],
    figures: [errorFigure(data)],
    seeds: { base: ctx.seed, perSeedFamily: plan.seeds },
  };
}

export const reproduction: Reproduction = {
  id: 'equivariant-prune-scaling',
  title: 'Error vs overparametrization: the log(1/eps) law for MLP, DeepSets, 2-order and C4 nets',
  paper: EQUIVARIANT_PRUNE_PAPER,
  package: PKG,
  seedDerivations: [scalingRandomSeed],
  run: (ctx) => scaling(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => scaling(ctx, TINY_PLAN),
};
