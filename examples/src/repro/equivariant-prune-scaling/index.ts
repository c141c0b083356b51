/**
 * equivariant-prune-scaling: sup error of the pruned random network against samples per coefficient m (the log(1/ε)
 * direction) for MLP, DeepSets, 2-order and C4 targets. The size direction is tested by equivariant-prune-law.
 */
import { createRng } from '@lemma/gpu-kernels';
import {
  type EquivariantBasis,
  type EquivariantLayer,
  type EquivariantNetwork,
  basisNorm,
  buildRandomNetwork,
  deepSetsBasis,
  estimateSupError,
  frobeniusNorm,
  groupConvBasis,
  imageGroup,
  layerDenseMatrix,
  maron1to2Basis,
  maron2to1Basis,
  maron2to2Basis,
  mlpBasis,
  parameterReport,
  pruneToTarget,
  randomLayer,
  telescopingBound,
} from '@lemma/equivariant-prune';
import type {
  Reproduction,
  ReproContext,
  ReproResult,
  Table,
} from '../../types';
import { olsFit } from '../../lib/linear-fit';
import { median } from '../../lib/quantiles';
import { VEGA_LITE } from '../../lib/figures';

const PAPER = 'A General Framework For Proving The Equivariant Strong Lottery Ticket Hypothesis (Ferbach et al., ICLR 2023, arXiv 2206.04270)';
const PKG = '@lemma/equivariant-prune';

/** Scales a layer to ‖W‖_F = 1 so ‖W‖_op <= 1 (the theorem's norm-bounded targets). */
function unitFrobeniusNorm(l: EquivariantLayer): EquivariantLayer {
  const f = frobeniusNorm(layerDenseMatrix(l));
  return { ...l, coeffs: l.coeffs.map((c) => c / f) };
}

interface Family {
  name: string;
  target: EquivariantNetwork;
  selfBases: EquivariantBasis[];
}

function families(seed: number): Family[] {
  const rng = createRng(seed, 1);
  const chain = (bases: EquivariantBasis[], widths: number[]): EquivariantNetwork => ({
    layers: bases.map((b, i) => unitFrobeniusNorm(randomLayer(b, widths[i]!, widths[i + 1]!, rng))),
  });
  const c4 = imageGroup('C4', 5, { translations: true });
  const lift = groupConvBasis(c4, { from: 'scalar', to: 'regular', kernel: 3 });
  const reg = groupConvBasis(c4, { from: 'regular', to: 'regular', kernel: 3 });
  const scal = groupConvBasis(c4, { from: 'scalar', to: 'scalar', kernel: 3 });
  return [
    { name: 'MLP (trivial group)', target: chain([mlpBasis(), mlpBasis()], [4, 4, 2]), selfBases: [mlpBasis(), mlpBasis()] },
    { name: 'DeepSets (S5)', target: chain([deepSetsBasis(5), deepSetsBasis(5)], [2, 2, 1]), selfBases: [deepSetsBasis(5), deepSetsBasis(5)] },
    {
      name: '2-order net (S4, 1->2->2->1)',
      target: chain([maron1to2Basis(4), maron2to2Basis(4), maron2to1Basis(4)], [1, 2, 2, 1]),
      selfBases: [deepSetsBasis(4), maron2to2Basis(4), maron2to2Basis(4)],
    },
    { name: 'C4 group CNN (5x5, k=3)', target: chain([lift, reg], [1, 2, 1]), selfBases: [scal, reg] },
  ];
}

export interface ScalingPlan {
  /** Samples per coefficient m (hidden copies per sign). */
  ms: number[];
  /** Random networks per family and m. */
  seeds: number;
  /** Unit inputs of the sup-error estimate. */
  probes: number;
}

export const QUICK_PLAN: ScalingPlan = { ms: [4, 6, 8, 10, 12, 14, 16, 18, 20], seeds: 5, probes: 128 };
export const FULL_PLAN: ScalingPlan = { ms: [4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28], seeds: 15, probes: 512 };
/** A plan for the tests: every family, three m, two seeds. */
export const TINY_PLAN: ScalingPlan = { ms: [4, 6, 8], seeds: 2, probes: 16 };

export async function scaling(ctx: ReproContext, plan: ScalingPlan): Promise<ReproResult> {
  const { ms, seeds, probes } = plan;
  const fams = families(ctx.seed);
  const rows: Record<string, unknown>[] = [];
  const fits: Table['rows'] = [];
  const counts: Table['rows'] = [];
  const metrics: ReproResult['metrics'] = {};
  const bar = ctx.progress('error vs samples', fams.length * ms.length * seeds);
  let allOk = true;
  for (const fam of fams) {
    const norms = fam.target.layers.map((l) => basisNorm(l.basis).norm);
    const med: number[] = [];
    for (const m of ms) {
      const errs: number[] = [];
      const bounds: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const random = buildRandomNetwork(fam.target, { samples: m, seed: ctx.seed * 1000 + s, selfBases: fam.selfBases });
        const pruned = pruneToTarget(fam.target, random, { basisNorms: norms });
        errs.push(estimateSupError(fam.target, pruned.network, probes, s).max);
        bounds.push(telescopingBound(pruned.layers.map((r) => r.errorBound)));
        if (m === ms[ms.length - 1] && s === 0) {
          const eps = Math.max(errs[0]!, 1e-12);
          const p = parameterReport(fam.target, pruned.network, Math.min(eps, 0.25));
          counts.push([fam.name, m, p.target, p.random, p.kept, Math.round(p.lowerBound), Number(eps.toExponential(2))]);
        }
        bar.tick(1, `${fam.name} m=${m}`);
      }
      const e = median(errs);
      med.push(e);
      rows.push({ family: fam.name, m, error: e, kind: 'measured sup error (median over seeds)' });
      rows.push({ family: fam.name, m, error: median(bounds), kind: 'certified bound (telescoping)' });
    }
    const ols = olsFit(ms, med.map(Math.log2));
    const fit = { a: ols.intercept, b: ols.slope, r2: ols.r2 };
    const ok = fit.b < 0 && fit.r2 > 0.8;
    allOk &&= ok;
    const key = fam.name.split(' ')[0]!.toLowerCase();
    metrics[`${key}_log2err_slope_per_sample`] = fit.b;
    metrics[`${key}_r2`] = fit.r2;
    metrics[`${key}_err_at_max_m`] = med[med.length - 1]!;
    // Invert the fit: samples needed for eps, linear in log(1/eps).
    const need = (eps: number): number => Math.ceil((Math.log2(eps) - fit.a) / fit.b);
    fits.push([fam.name, Number(fit.b.toFixed(3)), Number(fit.r2.toFixed(3)), need(1e-2), need(1e-3), need(1e-4)]);
  }
  bar.done();
  return {
    summary: `sup error of the pruned random net falls exponentially in samples per coefficient (log2 slopes ${fits.map((f) => f[1]).join(', ')} per sample) for MLP, DeepSets, 2-order and C4-CNN targets`,
    metrics,
    reproduced: allOk,
    tables: [
      { title: 'Fit log2(sup error) = a + b·m; samples m needed for eps (linear in log 1/eps)', columns: ['family', 'b (log2 error per sample)', 'R²', 'm for 1e-2', 'm for 1e-3', 'm for 1e-4'], rows: fits },
      { title: 'Equivariant parameters (coefficients) at the largest m', columns: ['family', 'm', 'target', 'random', 'kept', 'lower bound target·log2(1/2eps)', 'achieved eps'], rows: counts },
    ],
    figures: [
      {
        id: 'error-vs-samples',
        title: 'Approximation error vs overparametrization',
        caption: 'Sup error over sampled unit inputs (solid) and the certified telescoping bound (dashed) against samples per coefficient m; straight lines on a log axis are the log(1/eps) law.',
        spec: {
          $schema: VEGA_LITE,
          width: 420,
          height: 280,
          data: { values: rows },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'm', type: 'quantitative', title: 'samples per coefficient m (hidden copies per sign)' },
            y: { field: 'error', type: 'quantitative', scale: { type: 'log' }, title: 'sup ‖f - g‖ over ‖x‖ <= 1' },
            color: { field: 'family', type: 'nominal' },
            strokeDash: { field: 'kind', type: 'nominal' },
          },
        },
      },
    ],
    seeds: { base: ctx.seed, perSeedFamily: seeds },
  };
}

export const reproduction: Reproduction = {
  id: 'equivariant-prune-scaling',
  title: 'Error vs overparametrization: the log(1/eps) law for MLP, DeepSets, 2-order and C4 nets',
  paper: PAPER,
  package: PKG,
  run: (ctx) => scaling(ctx, ctx.quick ? QUICK_PLAN : FULL_PLAN),
  runTiny: (ctx) => scaling(ctx, TINY_PLAN),
};
