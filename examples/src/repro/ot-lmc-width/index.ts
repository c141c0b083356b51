import type { ReproContext, ReproResult, Reproduction } from '../../types';
import { PAPER } from '../ot-lmc-paper/index';
import { fullPlan, quickPlan, runWidth, widthMeans, type WidthPlan } from './experiment';
import { widthFigures } from './figures';

/**
 * Expected outcome, stated before any run. The paper's width bound (Thm 3.1; Thm 5.4 with the support dimension k in
 * place of the input dimension) comes from W₂ convergence of empirical measures: two independent N-atom samples of a
 * k-dimensional law are W₂ ≍ N^(−1/k) apart (k > 4), and the barrier after matching is bounded by a constant times
 * that matching distance. So the log-log slope of the covariance-matched barrier against width should be at most
 * −1/k (it is an upper bound: falling faster is consistent with it, falling slower is not), more negative for k = 8
 * than for k = 32, and measured to a standard error ≤ 0.02.
 */
export const theorySlope = (k: number): number => -1 / k;
export const EXPECTED = { maxSlopeSe: 0.02 } as const;

export async function runWithPlan(ctx: ReproContext, plan: WidthPlan): Promise<ReproResult> {
  const t0 = performance.now();
  const data = await runWidth(ctx, plan, (label, total) => ctx.progress(label, total));
  const fit = (k: number, quantity: 'barrier' | 'gap' | 'w2', method: 'covariance' | 'euclidean' | 'none' = 'covariance') =>
    data.fits.find((f) => f.k === k && f.quantity === quantity && f.method === method)!;
  const metrics: ReproResult['metrics'] = {};
  const checks: Record<string, boolean> = {};
  for (const k of plan.ks) {
    const b = fit(k, 'barrier');
    metrics[`width_slope_k${k}`] = b.slope;
    metrics[`width_slope_k${k}_se`] = b.slopeSe;
    metrics[`width_slope_k${k}_theory`] = theorySlope(k);
    metrics[`width_slope_k${k}_pairs_used`] = b.used;
    metrics[`width_slope_k${k}_pairs_dropped`] = b.dropped;
    metrics[`width_w2_slope_k${k}`] = fit(k, 'w2').slope;
    metrics[`width_w2_slope_k${k}_se`] = fit(k, 'w2').slopeSe;
    metrics[`width_gap_slope_k${k}`] = fit(k, 'gap').slope;
    metrics[`width_gap_slope_k${k}_se`] = fit(k, 'gap').slopeSe;
    metrics[`width_slope_k${k}_euclidean`] = fit(k, 'barrier', 'euclidean').slope;
    metrics[`width_slope_k${k}_unaligned`] = fit(k, 'barrier', 'none').slope;
    checks[`k${k}_at_least_theory_rate`] = b.slope <= theorySlope(k) + 2 * b.slopeSe;
    checks[`k${k}_se_within_design`] = b.slopeSe <= EXPECTED.maxSlopeSe;
  }
  if (plan.ks.length >= 2) {
    const lo = Math.min(...plan.ks);
    const hi = Math.max(...plan.ks);
    checks.lower_rank_falls_faster = fit(lo, 'barrier').slope < fit(hi, 'barrier').slope;
  }
  Object.assign(metrics, checks, { widths: plan.widths, pairs_per_width: plan.pairs, steps: plan.steps, seconds: (performance.now() - t0) / 1000 });
  for (const r of widthMeans(data)) {
    metrics[`k${r.k}_width${r.width}_${r.method}_barrier`] = r.barrier;
    if (r.method === 'covariance') metrics[`k${r.k}_width${r.width}_endpoint_loss`] = r.endpoint;
  }
  const tables: ReproResult['tables'] = [
    {
      title: 'Log-log slope vs width (OLS over pairs, ± standard error) and the theory\'s rate',
      columns: ['k', 'alignment', 'barrier slope', 'W₂² slope', 'function-gap slope', 'theory (barrier bound) −1/k', 'pairs used / dropped (barrier ≤ 0)'],
      rows: plan.ks.flatMap((k) =>
        (['covariance', 'euclidean', 'none'] as const).map((m) => {
          const b = fit(k, 'barrier', m);
          const f = (q: 'w2' | 'gap') => `${fit(k, q, m).slope.toFixed(3)} ± ${fit(k, q, m).slopeSe.toFixed(3)}`;
          return [k, m, `${b.slope.toFixed(3)} ± ${b.slopeSe.toFixed(3)}`, f('w2'), f('gap'), +theorySlope(k).toFixed(4), `${b.used} / ${b.dropped}`];
        }),
      ),
    },
    {
      title: 'Means over pairs by width (test set)',
      columns: ['k', 'width', 'endpoint loss', 'barrier (covariance)', 'barrier (euclidean)', 'barrier (none)', 'W₂² (covariance)'],
      rows: plan.ks.flatMap((k) =>
        plan.widths.map((w) => {
          const g = (m: 'covariance' | 'euclidean' | 'none') => widthMeans(data).find((r) => r.k === k && r.width === w && r.method === m)!;
          return [k, w, +g('covariance').endpoint.toPrecision(3), +g('covariance').barrier.toPrecision(3), +g('euclidean').barrier.toPrecision(3), +g('none').barrier.toPrecision(3), +g('covariance').w2.toPrecision(3)];
        }),
      ),
    },
  ];
  const reproduced = Object.values(checks).every(Boolean);
  const summary = plan.ks.map((k) => `k = ${k}: barrier slope ${fit(k, 'barrier').slope.toFixed(3)} ± ${fit(k, 'barrier').slopeSe.toFixed(3)} (theory bound ${theorySlope(k).toFixed(3)}), W₂² slope ${fit(k, 'w2').slope.toFixed(3)}`).join('; ');
  return { summary, metrics, reproduced, tables, figures: widthFigures(data, theorySlope), seeds: data.seeds };
}

export const reproductions: Reproduction[] = [
  {
    id: 'ot-lmc-width',
    title: 'Matched barrier vs width for mean-field nets on a rank-k teacher (the rate the theory predicts)',
    paper: PAPER,
    package: '@lemma/ot-matching',
    run: (ctx) => runWithPlan(ctx, ctx.quick ? quickPlan(ctx.seed) : fullPlan(ctx.seed)),
  },
];
