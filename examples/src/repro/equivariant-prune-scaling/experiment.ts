/**
 * The error-vs-samples experiment (science -> data): for norm-1 random targets of four families (MLP, DeepSets,
 * 2-order, C4 group CNN), random overparametrized networks with m samples per coefficient are pruned to the target,
 * and the sup error over unit inputs and the certified telescoping bound are recorded per m; the log2 of the median
 * error is fitted linearly in m (the log(1/ε) law). index.ts judges the fits and figures.ts draws them.
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
import type { ReproContext } from '../../types';
import { olsFit } from '../../lib/linear-fit';
import { median } from '../../lib/quantiles';
import { defineSeed } from '../../lib/seeds';

/** The seed of a random network, by seed index (shared across families and m). */
export const scalingRandomSeed = defineSeed('random', 'base·1000 + seedIndex', (base: number, s: number) => base * 1000 + s);

/** Scales a layer to ‖W‖_F = 1 so ‖W‖_op <= 1 (the theorem's norm-bounded targets). */
export function unitFrobeniusNorm(l: EquivariantLayer): EquivariantLayer {
  const f = frobeniusNorm(layerDenseMatrix(l));
  return { ...l, coeffs: l.coeffs.map((c) => c / f) };
}

/** One target family: a norm-1 random target and the bases of the random network's first (self) layers. */
export interface Family {
  name: string;
  target: EquivariantNetwork;
  selfBases: EquivariantBasis[];
}

/** The four target families, drawn from one stream of the seed. */
export function families(seed: number): Family[] {
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

/** The fit log2(sup error) = a + b·m of one family. */
export interface ErrorFit {
  a: number;
  b: number;
  r2: number;
}

/** What one family measured. */
export interface FamilyResult {
  name: string;
  /** Median over seeds, per m of the plan: the measured sup error and the certified telescoping bound. */
  error: number[];
  bound: number[];
  fit: ErrorFit;
  /** Equivariant parameter counts of the first seed's pruned network at the largest m, and the error it achieved. */
  counts: { m: number; target: number; random: number; kept: number; lowerBound: number; eps: number };
}

/** What the experiment measured (plain data). */
export interface ScalingData {
  plan: ScalingPlan;
  families: FamilyResult[];
}

/** Samples m the fit says are needed for error eps (linear in log(1/eps)). */
export const samplesFor = (fit: ErrorFit, eps: number): number => Math.ceil((Math.log2(eps) - fit.a) / fit.b);

/** Prunes random networks to every family's target at each m of the plan and fits the error law. */
export function runScaling(ctx: Pick<ReproContext, 'seed' | 'progress'>, plan: ScalingPlan): ScalingData {
  const { ms, seeds, probes } = plan;
  const fams = families(ctx.seed);
  const out: FamilyResult[] = [];
  const bar = ctx.progress('error vs samples', fams.length * ms.length * seeds);
  for (const fam of fams) {
    const norms = fam.target.layers.map((l) => basisNorm(l.basis).norm);
    const med: number[] = [];
    const medBounds: number[] = [];
    let counts: FamilyResult['counts'] | undefined;
    for (const m of ms) {
      const errs: number[] = [];
      const bounds: number[] = [];
      for (let s = 0; s < seeds; s++) {
        const random = buildRandomNetwork(fam.target, { samples: m, seed: scalingRandomSeed(ctx.seed, s), selfBases: fam.selfBases });
        const pruned = pruneToTarget(fam.target, random, { basisNorms: norms });
        errs.push(estimateSupError(fam.target, pruned.network, probes, s).max);
        bounds.push(telescopingBound(pruned.layers.map((r) => r.errorBound)));
        if (m === ms[ms.length - 1] && s === 0) {
          const eps = Math.max(errs[0]!, 1e-12);
          const p = parameterReport(fam.target, pruned.network, Math.min(eps, 0.25));
          counts = { m, target: p.target, random: p.random, kept: p.kept, lowerBound: p.lowerBound, eps };
        }
        bar.tick(1, `${fam.name} m=${m}`);
      }
      med.push(median(errs));
      medBounds.push(median(bounds));
    }
    const ols = olsFit(ms, med.map(Math.log2));
    out.push({ name: fam.name, error: med, bound: medBounds, fit: { a: ols.intercept, b: ols.slope, r2: ols.r2 }, counts: counts! });
  }
  bar.done();
  return { plan, families: out };
}
