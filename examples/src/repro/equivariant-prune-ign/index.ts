/**
 * equivariant-prune-ign: pruning random overparametrized graph networks (no training) to match trained ones, for a
 * 2-IGN in Maron et al.'s S_n basis and an MPNN in the message-passing basis {I, Â} (Ferbach et al. 2023, §5).
 */
import { hostCells } from '../../lib/cell-pool';
import { meanCi95 } from '../../lib/mean-interval';
import type { Reproduction, ReproContext, ReproResult } from '../../types';
import { type GraphArch, type GraphCellResult, graphCells, graphCellSeed, graphGroupKey, type GraphPlan, graphPruneCell, graphRandomSeed, graphTrainGroup } from './experiment';
import { matchFigure, sweepFigure } from './figures';
import { EQUIVARIANT_PRUNE_PAPER } from '../../lib/papers';
import { round } from '../../lib/format';

/**
 * Stated before the run. With one m for every layer from the rule (ε = 0.01, c = 1.6, the largest layer's
 * n_in n_out max(|B|, ‖B‖), as in Thm 1), the pruned random network matches the trained
 * target: the 95 % interval over seeds of (pruned R² − target R²) lies within ±0.01, and the pruned network is
 * permutation-invariant to 1e-9 (float64), for both architectures; the targets learned the task (mean R² ≥ 0.3,
 * else matching would be trivial). Falsified by: a gap interval outside ±0.01 (the rule's m too small for trained
 * targets, which are not norm-1), an invariance error above 1e-9, or targets that learned nothing. The sweep over m
 * (the same m in every layer, prefixes of one draw) shows where matching starts to hold.
 * History, so that the constant is not read as fitted: a quick pilot with c = 1.3 (m = 16/19/15 for the MPNN)
 * missed on one seed of three (R² 0.75 -> 0.46, one heavy-tailed subset-sum miss; at m = 20 in every layer the gap
 * was 0.016); c = 1.6 is the value the set-task reproduction already used for trained, not norm-1, targets. With
 * c = 1.6 per layer (m = 19/24/18) the same seed still missed (0.75 -> 0.61): the per-layer rule gives the small
 * readout layer fewer samples, but a heavy-tailed miss does not shrink with the layer (equivariant-prune-law finds m
 * nearly independent of size). Hence one m for all layers; the per-layer result stays in the table.
 */
export const EXPECTED = { maxR2Gap: 0.01, maxInvarianceError: 1e-9, minTargetR2: 0.3 };

/** A plan for the tests: two seeds of narrow networks trained briefly, a small test set, one sweep point. */
export function tinyGraphPlan(baseSeed: number): GraphPlan {
  return { ...graphPlan(true, baseSeed), seeds: 2, ign: { width: 2, steps: 20, batch: 8 }, mpnn: { width: 2, steps: 20, batch: 8 }, testGraphs: 30, mCap: 12, sweep: [4] };
}

/** Quick and full plans. */
export function graphPlan(quick: boolean, baseSeed: number): GraphPlan {
  return {
    seeds: quick ? 3 : 10,
    baseSeed,
    n: 5,
    ign: { width: 4, steps: quick ? 300 : 1200, batch: 32 },
    mpnn: { width: 6, steps: quick ? 800 : 2000, batch: 64 },
    testGraphs: quick ? 500 : 2000,
    eps: 0.01,
    ruleC: 1.6,
    mCap: 24,
    sweep: [4, 6, 8, 10, 12, 16, 20, 24],
  };
}

interface ArchSummary {
  arch: GraphArch;
  target: ReturnType<typeof meanCi95>;
  pruned: ReturnType<typeof meanCi95>;
  gap: ReturnType<typeof meanCi95>;
  maxGap: number;
  invariance: number;
  ok: boolean;
}

function summarise(arch: GraphArch, rs: readonly GraphCellResult[]): ArchSummary {
  const target = meanCi95(rs.map((r) => r.targetR2));
  const pruned = meanCi95(rs.map((r) => r.prunedR2));
  const gap = meanCi95(rs.map((r) => r.prunedR2 - r.targetR2));
  const maxGap = Math.max(...rs.map((r) => r.maxGap));
  const invariance = Math.max(...rs.map((r) => r.invarianceError));
  // With one seed the interval is undefined: then the single gap must be within the band.
  const lo = Number.isNaN(gap.lo) ? gap.mean : gap.lo;
  const hi = Number.isNaN(gap.hi) ? gap.mean : gap.hi;
  const ok = target.mean >= EXPECTED.minTargetR2 && lo >= -EXPECTED.maxR2Gap && hi <= EXPECTED.maxR2Gap && invariance <= EXPECTED.maxInvarianceError;
  return { arch, target, pruned, gap, maxGap, invariance, ok };
}

/** Runs a plan through the cell pool and judges it against {@link EXPECTED}. */
export async function runGraphs(ctx: ReproContext, plan: GraphPlan): Promise<ReproResult> {
  const cells = graphCells(plan);
  const bar = ctx.progress('train targets', cells.length);
  const bar2 = ctx.progress('prune and evaluate', cells.length);
  // On webgpu the seeds of an architecture train as one K-model group (one dispatch stream); elsewhere cell by cell.
  // Pruning is float64 host work on wasm threads: on a GPU run one architecture's pruning overlaps the next one's
  // training (on the CPU backends every cell trains at once on the pool, so training all first keeps the cores busy).
  const stages = ctx.backend === 'webgpu' ? (['ign2', 'mpnn'] as const).map((a) => cells.filter((c) => c.arch === a)) : [cells];
  const pruning: Promise<GraphCellResult[]>[] = [];
  for (const stage of stages) {
    const trained = await graphTrainGroup.map(ctx, stage, graphGroupKey, bar);
    const p = graphPruneCell.map(hostCells(ctx), trained, bar2);
    p.catch(() => undefined); // awaited below; until then a failure must not be an unhandled rejection
    pruning.push(p);
  }
  bar.done();
  const results = (await Promise.all(pruning)).flat();
  bar2.done();
  const sums = (['ign2', 'mpnn'] as const).map((a) => summarise(a, results.filter((r) => r.arch === a)));
  const metrics: ReproResult['metrics'] = {};
  for (const s of sums) {
    const rs = results.filter((r) => r.arch === s.arch);
    metrics[`${s.arch}_target_r2`] = s.target.mean;
    metrics[`${s.arch}_target_r2_ci95`] = [s.target.lo, s.target.hi];
    metrics[`${s.arch}_pruned_r2`] = s.pruned.mean;
    metrics[`${s.arch}_pruned_r2_ci95`] = [s.pruned.lo, s.pruned.hi];
    metrics[`${s.arch}_r2_gap`] = s.gap.mean;
    metrics[`${s.arch}_r2_gap_ci95`] = [s.gap.lo, s.gap.hi];
    metrics[`${s.arch}_max_output_gap`] = s.maxGap;
    metrics[`${s.arch}_invariance_error`] = s.invariance;
    metrics[`${s.arch}_samples_per_layer`] = rs[0]!.samples;
    metrics[`${s.arch}_per_layer_rule_samples`] = rs[0]!.perLayerSamples;
    metrics[`${s.arch}_per_layer_rule_r2_gap`] = meanCi95(rs.map((r) => r.perLayerPrunedR2 - r.targetR2)).mean;
    metrics[`${s.arch}_per_layer_rule_worst_r2_gap`] = Math.min(...rs.map((r) => r.perLayerPrunedR2 - r.targetR2));
    metrics[`${s.arch}_params_target`] = rs[0]!.params.target;
    metrics[`${s.arch}_params_random_mean`] = meanCi95(rs.map((r) => r.params.random)).mean;
    metrics[`${s.arch}_params_kept_mean`] = meanCi95(rs.map((r) => r.params.kept)).mean;
    metrics[`${s.arch}_f32_vs_f64_max`] = Math.max(...rs.map((r) => r.f32VsF64));
    metrics[`${s.arch}_matched`] = s.ok;
    metrics.rule_c = plan.ruleC;
    metrics.rule_eps = plan.eps;
  }
  const reproduced = sums.every((s) => s.ok);
  const sweepMs = plan.sweep;
  const sweepRows = (['ign2', 'mpnn'] as const).flatMap((arch) =>
    sweepMs.map((m) => {
      const at = results.filter((r) => r.arch === arch).flatMap((r) => r.sweep.filter((s) => s.m === m));
      if (at.length === 0) return [arch, m, null, null];
      return [arch, m, round(meanCi95(at.map((s) => s.prunedR2)).mean), round(Math.max(...at.map((s) => s.maxGap)), 5)];
    }),
  );
  const seeds: Record<string, number> = { base: ctx.seed };
  results.forEach((r) => (seeds[`${r.arch}_${r.seed}`] = r.seed));
  return {
    summary: sums
      .map((s) => `${s.arch}: target R² ${s.target.mean.toFixed(3)}, pruned ${s.pruned.mean.toFixed(3)} (gap ${s.gap.mean.toExponential(1)}, 95% CI [${s.gap.lo.toExponential(1)}, ${s.gap.hi.toExponential(1)}]), invariance ${s.invariance.toExponential(1)}${s.ok ? '' : ' NOT matched'}`)
      .join('; '),
    metrics,
    reproduced,
    tables: [
      {
        title: `Trained target vs pruned random network on ${plan.testGraphs} test graphs (n = ${plan.n}), mean and 95 % t interval over ${plan.seeds} seeds`,
        columns: ['architecture', 'target R²', 'pruned R²', 'pruned − target R² (95 % CI)', 'max |target − pruned|', 'invariance error', 'm per layer', 'target coeffs', 'random coeffs', 'kept coeffs'],
        rows: sums.map((s) => {
          const rs = results.filter((r) => r.arch === s.arch);
          return [
            s.arch,
            `${round(s.target.mean)} [${round(s.target.lo)}, ${round(s.target.hi)}]`,
            `${round(s.pruned.mean)} [${round(s.pruned.lo)}, ${round(s.pruned.hi)}]`,
            `${s.gap.mean.toExponential(2)} [${s.gap.lo.toExponential(2)}, ${s.gap.hi.toExponential(2)}]`,
            Number(s.maxGap.toExponential(2)),
            Number(s.invariance.toExponential(2)),
            rs[0]!.samples.join('/'),
            rs[0]!.params.target,
            Math.round(meanCi95(rs.map((r) => r.params.random)).mean),
            Math.round(meanCi95(rs.map((r) => r.params.kept)).mean),
          ];
        }),
      },
      { title: 'Pruned R² (mean over seeds) and the largest output gap at one m for every layer (prefixes of the draw the rule network comes from)', columns: ['architecture', 'm', 'pruned R²', 'max |target − pruned|'], rows: sweepRows },
      {
        title: 'Per seed',
        columns: ['architecture', 'seed', 'target R²', 'pruned R² (one m)', 'max gap', 'pruned R², per-layer rule m', 'per-layer m', 'train s'],
        rows: results.map((r) => [r.arch, r.seed, round(r.targetR2), round(r.prunedR2), Number(r.maxGap.toExponential(2)), round(r.perLayerPrunedR2), r.perLayerSamples.join('/'), round(r.trainSeconds, 1)]),
      },
    ],
    figures: [matchFigure(results), sweepFigure(results)],
    seeds,
  };
}

export const reproduction: Reproduction = {
  id: 'equivariant-prune-ign',
  title: 'Pruning random 2-IGNs and {I, Â} message-passing nets to match trained ones on graph regression',
  paper: EQUIVARIANT_PRUNE_PAPER,
  package: '@lemma/equivariant-prune',
  seedDerivations: [graphCellSeed, graphRandomSeed],
  run: (ctx) => runGraphs(ctx, graphPlan(ctx.quick, ctx.seed)),
  runTiny: (ctx) => runGraphs(ctx, tinyGraphPlan(ctx.seed)),
};
