/**
 * equivariant-prune-rotmnist: a trained C4-equivariant CNN on rotated MNIST, matched by pruning a random C4 CNN.
 */
import type { Reproduction, ReproContext, ReproResult } from '../../types';
import { headRandomSeed, type RotMnistPlan, runRotMnist, stageRandomSeed } from './experiment';
import { logitsFigure } from './figures';
import { EQUIVARIANT_PRUNE_PAPER } from '../../lib/papers';

export type { RotMnistPlan } from './experiment';

const PKG = '@lemma/equivariant-prune';

export const QUICK_PLAN: RotMnistPlan = { channels: 8, head: 32, epochs: 10, maskedDigits: 4, invarianceDigits: 100, eps: 0.01 };
export const FULL_PLAN: RotMnistPlan = { channels: 12, head: 48, epochs: 30, maskedDigits: 16, invarianceDigits: 100, eps: 0.01 };
/** A plan for the tests: every phase on 64 training and 20 test digits, a narrow target, a loose ε. */
export const TINY_PLAN: RotMnistPlan = { channels: 2, head: 4, epochs: 1, trainDigits: 64, testDigits: 20, maskedDigits: 2, invarianceDigits: 10, eps: 0.5 };

export async function rotMnist(ctx: ReproContext, plan: RotMnistPlan): Promise<ReproResult> {
  const d = await runRotMnist(ctx, plan);
  const nTest = d.nTest;
  const accT = d.targetAccuracy;
  const accP = d.prunedAccuracy;
  const agree = d.agreements;
  const maxDiff = d.maxLogitGap;
  const scale = d.maxAbsLogit;
  const eqT = d.invarianceTarget;
  const eqP = d.invariancePruned;
  const eqF64 = d.equivarianceF64;
  const metrics = {
    target_accuracy: accT,
    pruned_accuracy: accP,
    prediction_agreement: agree / nTest,
    max_logit_gap: maxDiff,
    max_abs_logit: scale,
    masked_vs_folded_gap: d.maskedVsFoldedGap,
    invariance_error_target: eqT,
    invariance_error_pruned: eqP,
    invariance_error_masked_ticket: d.invarianceMasked,
    equivariance_error_f64_ticket_stages: eqF64,
    samples_per_coefficient: d.samples,
    target_coefficients: d.params.target,
    random_coefficients: d.params.random,
    kept_coefficients: d.params.kept,
    lower_bound_coefficients: d.params.lowerBound,
    train_ms: d.trainMs,
    prune_ms: d.pruneMs,
    eval_ms: d.evalMs,
    max_coeff_error: d.maxCoeffError,
  };
  return {
    summary: `rotated MNIST (14x14, C4 CNN with invariant biases): target ${(100 * accT).toFixed(1)}% vs pruned random net ${(100 * accP).toFixed(1)}% (no training), ${(100 * agree / nTest).toFixed(1)}% same predictions, max logit gap ${maxDiff.toExponential(1)}, invariance error ${eqP.toExponential(1)} (float32; ${eqF64.toExponential(1)} in float64)`,
    metrics,
    reproduced: Math.abs(accT - accP) <= 0.01 && eqP < 1e-3 * Math.max(1, scale) && eqF64 < 1e-9,
    tables: [
      {
        title: 'Target vs pruned C4-equivariant CNN on rotated MNIST test digits',
        columns: ['network', 'accuracy', 'invariance error (max |logit(rot x) - logit(x)|)', 'equivariant parameters (incl. bias coefficients and constant units)'],
        rows: [
          ['trained target', Number(accT.toFixed(4)), Number(eqT.toExponential(2)), d.params.target],
          ['random overparametrized', null, null, d.params.random],
          ['pruned ticket (kept)', Number(accP.toFixed(4)), Number(eqP.toExponential(2)), d.params.kept],
        ],
      },
    ],
    figures: [logitsFigure(d)],
    seeds: d.seeds,
  };
}

export const reproduction: Reproduction = {
  id: 'equivariant-prune-rotmnist',
  title: 'Pruning a random C4 CNN to a trained C4 target on rotated MNIST',
  paper: EQUIVARIANT_PRUNE_PAPER,
  package: PKG,
  seedDerivations: [stageRandomSeed, headRandomSeed],
  run: (ctx) => rotMnist(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => rotMnist(ctx, TINY_PLAN),
};
