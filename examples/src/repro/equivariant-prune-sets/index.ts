/**
 * equivariant-prune-sets: trained DeepSets set-sum / set-max targets, matched by pruning random DeepSets networks.
 */
import type { Reproduction, ReproContext, ReproResult, Table } from '../../types';
import { runSetTasks, type SetsPlan, setsRandomSeed } from './experiment';
import { outputsFigure } from './figures';
import { EQUIVARIANT_PRUNE_PAPER } from '../../lib/papers';

export type { SetsPlan } from './experiment';

const PKG = '@lemma/equivariant-prune';

export const QUICK_PLAN: SetsPlan = { width: 12, steps: 1200, testSets: 2000, eps: 0.01 };
export const FULL_PLAN: SetsPlan = { width: 24, steps: 5000, testSets: 2000, eps: 0.01 };
/** A plan for the tests: both tasks, a narrow target trained briefly, pruned to a loose ε. */
export const TINY_PLAN: SetsPlan = { width: 3, steps: 20, testSets: 100, eps: 0.1 };

export async function setTask(ctx: ReproContext, plan: SetsPlan): Promise<ReproResult> {
  const data = await runSetTasks(ctx, plan);
  const rows: Table['rows'] = [];
  const metrics: ReproResult['metrics'] = {};
  let ok = true;
  for (const t of data.tasks) {
    const { task, mseTarget: mseT, msePruned: mseP, variance, invariance: inv } = t;
    rows.push([task, Number((1 - mseT / variance).toFixed(4)), Number((1 - mseP / variance).toFixed(4)), Number(t.maxGap.toExponential(2)), Number(inv.toExponential(2)), t.samples.join('/'), t.params.target, t.params.random, t.params.kept]);
    metrics[`${task}_target_r2`] = 1 - mseT / variance;
    metrics[`${task}_pruned_r2`] = 1 - mseP / variance;
    metrics[`${task}_max_output_gap`] = t.maxGap;
    metrics[`${task}_unit_ball_sup_error`] = t.supError;
    metrics[`${task}_invariance_error`] = inv;
    metrics[`${task}_max_coeff_error`] = t.maxCoeffError;
    ok &&= Math.abs(mseT - mseP) <= 0.05 * variance && inv < 1e-9;
  }
  return {
    summary: `set tasks (n=${data.n}, invariant biases): pruned random DeepSets nets match trained targets (${rows.map((r) => `${r[0]}: R² ${r[1]} -> ${r[2]}`).join(', ')}) and are exactly permutation-invariant`,
    metrics,
    reproduced: ok,
    tables: [
      {
        title: 'Permutation-invariant set tasks: trained target vs pruned random network',
        columns: ['task', 'target R²', 'pruned R²', 'max |target - pruned|', 'invariance error (all 720 permutations)', 'm per layer', 'target coeffs', 'random coeffs', 'kept coeffs'],
        rows,
      },
    ],
    figures: [outputsFigure(data)],
    seeds: data.seeds,
  };
}

export const reproduction: Reproduction = {
  id: 'equivariant-prune-sets',
  title: 'Pruning a random DeepSets net to trained set-sum / set-max targets',
  paper: EQUIVARIANT_PRUNE_PAPER,
  package: PKG,
  seedDerivations: [setsRandomSeed],
  run: (ctx) => setTask(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => setTask(ctx, TINY_PLAN),
};
