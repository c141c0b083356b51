/**
 * kernels-sinkhorn-demo: the backend report and entropic OT between two 2-D point clouds (the foundation demo):
 * log-domain Sinkhorn converges on the active backend and its duals match a float64 reference.
 */
import type { ReproContext, ReproResult, Reproduction } from '../../types';
import { FULL_PLAN, QUICK_PLAN, runSinkhorn, type SinkhornData, type SinkhornPlan } from './experiment';
import { sinkhornFigures } from './figures';

/** The verdict's bounds: the final column-marginal L1 error, and max |dual − float64 dual| where the reference ran. */
export const EXPECTED = { marginalError: 1e-3, dualDiff: 1e-3 } as const;

/** A plan for the tests: every phase (the float64 reference included) in well under a second. */
export const TINY_PLAN: SinkhornPlan = { n: 48, eps: 0.05, iterations: 20, float64Reference: true };

/** Verdict, summary and metrics from the experiment's data. */
export function sinkhornResult(data: SinkhornData, backend: string): ReproResult {
  const { n, eps } = data.plan;
  const { iterations, seconds, transportCost: cost, dualDiff } = data;
  const finalErr = data.errCurve[data.errCurve.length - 1]!.marginalError;
  return {
    summary: `${backend}: ${iterations} log-domain Sinkhorn iterations on ${n}x${n} in ${seconds.toFixed(2)} s, marginal error ${finalErr.toExponential(2)}, <P,C> = ${cost.toFixed(4)}${dualDiff !== null ? `, max |dual - float64| ${dualDiff.toExponential(2)}` : ''}`,
    reproduced: finalErr < EXPECTED.marginalError && (dualDiff === null || dualDiff < EXPECTED.dualDiff),
    metrics: {
      n,
      eps,
      iterations,
      seconds,
      msPerIteration: (1000 * seconds) / iterations,
      finalMarginalError: finalErr,
      transportCost: cost,
      maxDualDiffVsFloat64: dualDiff,
    },
    figures: sinkhornFigures(data, EXPECTED.marginalError),
    seeds: { clouds: data.seed },
  };
}

export const runWithPlan = async (ctx: ReproContext, plan: SinkhornPlan): Promise<ReproResult> => sinkhornResult(await runSinkhorn(ctx, plan), ctx.backend);

export const reproduction: Reproduction = {
  id: 'kernels-sinkhorn-demo',
  title: 'Backend report and entropic OT between two 2-D point clouds',
  paper: 'Cuturi, "Sinkhorn Distances" (NeurIPS 2013), log-domain form: @lemma/ot-matching\'s solver on the fused kernels of @lemma/gpu-kernels',
  package: '@lemma/gpu-kernels',
  run: (ctx) => runWithPlan(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => runWithPlan(ctx, TINY_PLAN),
};
